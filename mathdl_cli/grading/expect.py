"""Assertions for graders. Each failure raises :class:`CheckFailed` with a diagnostic.

Typical use in a grader::

    got = student.mlp_backward(X, Y, Ws, bs)
    want = ref.mlp_backward(X, Y, Ws, bs)
    expect.close(got, want)            # the exercise's default tolerance

Quantity names come from the ``returns`` of the function in the chapter's
YAML; the call (with argument shapes) comes from the last student call.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..catalog import Tol
from .compare import compare, describe
from .errors import CheckFailed, CheckOutcome, current

# raised by student calls and failed checks; a check that depends on another
# exercise's function may catch it to skip with an explanation
Outcome = CheckOutcome


_LAST = object()  # no value of the student's: the failure is about the last call


def _context_names(got: Any = _LAST) -> Any:
    ctx = current()
    call = ctx.call_of(got) if ctx is not None else None
    if call is None:
        return None
    spec = ctx.exercise.function(call.func)
    return spec.returns if spec is not None else None


def _fail(diag: dict, got: Any = _LAST) -> None:
    """Raise the failure; it names the call that returned ``got`` (one call of a
    batch), else the last call."""
    ctx = current()
    call = ctx.call_of(got) if ctx is not None else None
    if call is not None and "call" not in diag:
        diag["call"] = str(call)
    raise CheckFailed(describe(diag), diag)


def _tol(tol: Tol | str | None) -> Tol:
    if isinstance(tol, Tol):
        return tol
    ctx = current()
    if ctx is None:
        raise RuntimeError("expect.close needs an explicit tolerance outside a mathdl check")
    return ctx.exercise.tol(tol or "default")


def close(got: Any, want: Any, tol: Tol | str | None = None, *, names: Any = None, detail: str = "", rows_of: list | None = None) -> None:
    """``got`` matches ``want`` in structure, type, shape, dtype and value.

    ``tol`` is a :class:`Tol`, the name of one of the exercise's tolerance sets,
    or None for its default set. ``names`` overrides the quantity names;
    ``detail`` adds a sentence to the failure message (why this must hold).
    ``rows_of``: for an array the grader built from the values of several
    student calls (row i from ``rows_of[i]``, the values as returned), so that
    a failure names the call behind the row it points to.
    """
    ctx = current()
    public = ctx is None or not ctx.hidden
    diag = compare(got, want, _tol(tol), names=names if names is not None else _context_names(got), public=public)
    if diag:
        if detail:
            diag["detail"] = detail
        _fail(diag, _row_origin(rows_of, diag) if rows_of is not None else got)


def _row_origin(rows_of: list, diag: dict) -> Any:
    """The value behind the row a failure points to (its greatest difference, or
    its first NaN); the last call when the failure points to no row."""
    index = diag.get("max_abs_index") or diag.get("first_index")
    if index and 0 <= index[0] < len(rows_of):
        return rows_of[index[0]]
    return _LAST


def like(got: Any, template: Any, *, names: Any = None) -> Any:
    """``got`` has the structure, types, shapes and dtypes of ``template`` and is
    finite; its values are not compared. Returns ``got`` for unpacking."""
    ctx = current()
    public = ctx is None or not ctx.hidden
    diag = compare(got, template, None, names=names if names is not None else _context_names(got), public=public)
    if diag:
        _fail(diag, got)
    return got


def equal(got: Any, want: Any, *, names: Any = None) -> None:
    """Exact equality (integers, labels, index lists, structures)."""
    ctx = current()
    public = ctx is None or not ctx.hidden
    diag = compare(got, want, Tol(0.0, 0.0), names=names if names is not None else _context_names(got), public=public)
    if diag:
        _fail(diag, got)


def that(condition: bool, property: str, *, quantity: str = "the result", detail: str = "", of: Any = _LAST, **facts: Any) -> None:
    """A property of the student's result holds (an invariant, a bound, a rate).
    ``of``: the value returned by the student's call the property is about, so
    that the failure names that call (by default the last one)."""
    if not bool(condition):
        diag = {"kind": "property", "quantity": quantity, "property": property, **facts}
        if detail:
            diag["detail"] = detail
        _fail(diag, of)


def shape(got: Any, expected: tuple[int, ...], *, quantity: str = "the result") -> None:
    if not isinstance(got, np.ndarray):
        _fail({"kind": "type", "quantity": quantity, "expected": f"array of shape {tuple(expected)}", "got": type(got).__name__}, got)
    if tuple(got.shape) != tuple(expected):
        _fail({"kind": "shape", "quantity": quantity, "expected_shape": list(expected), "got_shape": list(got.shape)}, got)


def finite(got: Any, *, quantity: str = "the result") -> None:
    arr = np.asarray(got, dtype=np.float64)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        idx = int(np.flatnonzero(bad)[0])
        first = [int(i) for i in np.unravel_index(idx, arr.shape)] if arr.shape else []
        _fail({"kind": "nan", "quantity": quantity, "n_nan": int(np.isnan(arr).sum()), "n_inf": int(np.isinf(arr).sum()), "first_index": first, "n_total": int(arr.size)}, got)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a|| + ||b||, tiny): the scale-free gradient-check error."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def _band(err: float) -> str:
    if err <= 1e-7:
        return "agreement to finite-difference accuracy"
    if err <= 1e-4:
        return "close, but larger than finite-difference error alone explains"
    if err <= 1e-2:
        return "probably wrong"
    return "wrong"


GRADIENT_FLOOR = 1e-8


def gradient(analytic: Any, numeric: Any, *, rel: float, quantity: str = "the gradient", scale: float | None = None) -> None:
    """An analytic gradient agrees with a finite-difference estimate, and is not
    degenerate: 0 against 0 (a constant function with a zero gradient) proves
    nothing, so the check fails when both gradients are smaller in norm than
    ``1e-3 * scale``, or than GRADIENT_FLOOR without a ``scale``. Give ``scale``
    (the norm a correct gradient has here, e.g. the reference's) so a result
    scaled down towards zero cannot pass either."""
    size = max(_norm(analytic), _norm(numeric))
    floor = 1e-3 * scale if scale is not None else GRADIENT_FLOOR
    if not size >= floor:
        _fail(
            {
                "kind": "degenerate",
                "quantity": quantity,
                "norm": size,
                "allowed": floor,
                "property": "the gradient and its finite-difference estimate are both (nearly) zero",
                "detail": f"norm {size:.3g}, at least {floor:.3g} expected here: a gradient check of a function "
                "that does not change proves nothing",
            },
            analytic,
        )
    err = relative_error(analytic, numeric)
    if not err <= rel:
        _fail(
            {
                "kind": "gradcheck",
                "quantity": quantity,
                "relative_error": err,
                "allowed": rel,
                "meaning": _band(err),
                "detail": f"relative error ||g - g_fd|| / (||g|| + ||g_fd||) = {err:.3g} (allowed {rel:g}): {_band(err)}",
            },
            analytic,
        )


def _norm(value: Any) -> float:
    """The Euclidean norm of every number in a value (arrays, scalars, tuples,
    lists and dicts of them); NaN when something is not a number."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return float(np.sqrt(sum(_norm(v) ** 2 for v in value)))
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return float("nan")
    return float(np.linalg.norm(arr.reshape(-1))) if arr.size else 0.0


def nontrivial(got: Any, *, at_least: float, quantity: str = "the result", detail: str = "") -> Any:
    """``got`` is not degenerate: its norm (over every number in it) is at least
    ``at_least``. Pair it with a property check that zeros or an unchanged
    input would pass trivially (shift invariance, monotonicity, "θ moved
    downhill"); choose ``at_least`` well below what a correct result has here
    (e.g. 1e-3 times the reference's norm). Returns ``got``."""
    size = _norm(got)
    if not size >= at_least:
        diag = {"kind": "degenerate", "quantity": quantity, "norm": size, "allowed": at_least,
                "property": f"must not be (nearly) zero: norm {size:.3g}, at least {at_least:.3g} expected here"}
        if detail:
            diag["detail"] = detail
        _fail(diag, got)
    return got


def call_warnings() -> list[str]:
    """The numpy and Python warnings the student's calls raised so far in this
    check (category: message), e.g. to fail on overflow under errstate("warn")."""
    ctx = current()
    return list(ctx.warnings) if ctx is not None else []


def raises(call: Any, exception: str, property: str, *, quantity: str) -> None:
    """``call()``, a call of the student's function, must raise ``exception`` (its
    name, e.g. "ValueError"), or a subclass of it. Only an exception the function
    itself raised is its answer: a module that cannot be imported, a crashed child
    or a timeout is reported as what it is, not as "it raised SyntaxError"."""
    from .errors import StudentError

    try:
        got = call()
    except StudentError as exc:
        diagnostic = exc.diagnostic or {}
        if diagnostic.get("kind") != "exception":
            raise
        raised = diagnostic.get("exception", "")
        that(raised == exception or exception in (diagnostic.get("bases") or ()), property, quantity=quantity, detail=f"it raised {raised}")
        return
    that(False, property, quantity=quantity, detail=f"it returned {type(got).__name__}")


def without_overflow(student: Any, name: str, *args: Any, what: str, advice: str = "") -> Any:
    """Call ``student.<name>(*args)`` under ``np.errstate(all="raise")`` in the child
    (underflow to 0 stays allowed). An overflow, a division by zero or an invalid
    operation becomes a failed property that says what to do about it."""
    from .errors import StudentError
    from .overflow import advice_for

    try:
        with student.errstate("raise"):
            return getattr(student, name)(*args)
    except StudentError as exc:
        diagnostic = exc.diagnostic or {}
        # the function's own FloatingPointError only: an import error is reported as itself
        if diagnostic.get("kind") != "exception" or diagnostic.get("exception") != "FloatingPointError":
            raise
        that(
            False,
            "must run without overflow, division by zero or invalid values "
            "(checked under np.errstate(all='raise'); underflow to 0 is allowed)",
            quantity=what,
            detail=exc.message + ("\n" + fitting if (fitting := advice_for((exc.diagnostic or {}).get("traceback"), advice)) else ""),
        )
