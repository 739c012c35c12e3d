"""A list argument the student's function changed: reordered, resized or an
entry replaced (the child reports ``Ws#reordered`` and the like), named as such
rather than as an array "modified in place"."""

from __future__ import annotations

from .errors import CheckFailed

_WHAT = {
    "reordered": ("reordered the list {name} it was given (the caller's list now has the same arrays in another order)",
                  "leave the caller's list as it is: iterate over reversed({name}) or build a new list (sorted({name}), {name}[::-1]) "
                  "instead of {name}.reverse() or {name}.sort()"),
    "resized": ("changed the length of the list {name} it was given (append, pop, insert or del on the caller's list)",
                "build a new list (new = list({name}); new.append(...)) instead of changing the caller's"),
    "replaced": ("replaced an entry of the list {name} it was given ({name}[i] = ... changes the caller's list)",
                 "build a new list (new = [W - lr * g for W, g in zip({name}, grads)]) instead of assigning to {name}[i]"),
}


def list_changed(function: str, where: str, call: str) -> CheckFailed:
    name, _, how = where.partition("#")
    what, fix = _WHAT.get(how, _WHAT["replaced"])
    return CheckFailed(
        f"{function} {what.format(name=name)}; {fix.format(name=name)}",
        {"kind": "mutation", "quantity": f"argument {name}", "how": how, "call": call},
    )
