"""The libraries a chapter module may count on where it is graded.

A student's own machine may have scipy, scikit-learn or pandas installed, and a
module that imports them passes ``mathdl check`` there; where the instructor
grades (``mathdl grade``, a Gradescope autograder) only what mathdl installs is
sure to be present, so the same module would not import and score 0. The stubs
say it ("numpy, the standard library"); ``check`` and ``submit`` say it again,
naming the imports, before it costs a grade. Read statically (the module is
parsed, never run), standard library only.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalog import Chapter
    from .results import Report

# what the chapters use (and __future__), known without reading any metadata
PROVIDED = frozenset({"numpy", "torch", "__future__"})


def unprovided_imports(source: str | bytes) -> list[str]:
    """The top-level names of the libraries ``source`` imports (anywhere in it) that are
    neither in the standard library nor provided, in the order they first appear;
    [] for a module that does not parse (its import error says why)."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    if all(_scanned_provided(match) for match in _IMPORTED.findall(text)):  # the usual module: no parse (~1 ms) needed
        return []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: dict[str, int] = {}  # name -> first line
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if not is_provided(name):
                top = name.partition(".")[0]
                found[top] = min(found.get(top, node.lineno), node.lineno)
    if found:  # rare: only then is it worth reading what was installed with mathdl
        found = {name: line for name, line in found.items() if name not in installed_with_mathdl()}
    return sorted(found, key=found.__getitem__)


# the first name after every "import" and "from ... import" (and after each comma of an
# import list, across a backslash continuation): a superset of the module's imports (words
# in its docstrings and comments too; any name not provided then costs a parse)
_IMPORTED = re.compile(r"\b(?:from[ \t]+(\w+)(?:[ \t]*\.[ \t]*\w+)*[ \t]+import\b|import[ \t]+(\w+(?:[ \t]*\.[ \t]*\w+)*(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,(?:[ \t]|\\\n)*\w+(?:\.\w+)*(?:[ \t]+as[ \t]+\w+)?)*))")


def is_provided(module: str) -> bool:
    """A module of the standard library, numpy or torch (its top-level name decides)."""
    top = module.partition(".")[0]
    return top in PROVIDED or top in sys.stdlib_module_names


def _scanned_provided(match: tuple[str, str]) -> bool:
    """A match of _IMPORTED (a "from" module, or an import list) naming provided modules only."""
    first, listed = match
    names = [first] if first else [part.replace("\\", " ").split()[0] for part in listed.split(",")]
    return all(is_provided(n) for n in names)


@functools.lru_cache(maxsize=1)
def installed_with_mathdl() -> frozenset[str]:
    """The import names of every distribution mathdl requires, directly or through
    another (extras aside): wherever mathdl is installed, so are they (typer, yaml,
    torch's sympy, ...). Read from the installed metadata (0.1-0.2 s); empty when
    mathdl runs from a checkout that was never installed."""
    from importlib import metadata

    def canonical(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    try:
        wanted, seen = ["mathdl"], set()
        while wanted:
            name = canonical(wanted.pop())
            if name in seen:
                continue
            seen.add(name)
            try:
                requires = metadata.distribution(name).requires or []
            except metadata.PackageNotFoundError:
                continue
            for requirement in requires:
                spec, _, marker = requirement.partition(";")
                if "extra" not in marker and (match := re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)):
                    wanted.append(match.group(1))
        seen.discard("mathdl")
        return frozenset(module for module, dists in metadata.packages_distributions().items() if any(canonical(d) in seen for d in dists))
    except Exception:  # noqa: BLE001 - unreadable metadata: warn about everything outside PROVIDED
        return frozenset()


def _listed(names: list[str]) -> str:
    """At most five names of at most 60 characters (a module can name anything)."""
    shown = ", ".join(n if len(n) <= 60 else n[:57] + "..." for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def import_note(filename: str, names: list[str]) -> str:
    """One line for a student whose module imports the libraries ``names``."""
    return (f"{filename} imports {_listed(names)}, which mathdl does not install: where your instructor grades "
            f"{'it' if len(names) == 1 else 'they'} may be missing, and the module would then not import "
            "(a score of 0). The course's modules use numpy, the standard library and torch.")


def own_import_note(filename: str, names: list[str]) -> str:
    """One line for a student whose module imports ``names``, modules of their own beside it."""
    one = len(names) == 1
    return (f"{filename} imports {_listed(names)}, {'a module' if one else 'modules'} of your own: each chapter module is "
            f"checked and graded on its own, without the files beside it, so the import fails; copy what you need into {filename}.")


def import_notes(filename: str, source: str | bytes, folder: Path | None = None) -> list[str]:
    """The notes for one module: a name that is a module beside it in ``folder`` (a .py
    file or a package) is the student's own, any other a library."""

    def beside(name: str) -> bool:
        try:
            return folder is not None and ((folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file())
        except OSError:  # a name too long for a file
            return False

    names = unprovided_imports(source)
    own = [n for n in names if beside(n)]
    libraries = [n for n in names if n not in own]
    return ([own_import_note(filename, own)] if own else []) + ([import_note(filename, libraries)] if libraries else [])


def note_unprovided(report: "Report", sources: "dict[Chapter, bytes]", label: str | None = None, folder: Path | None = None) -> None:
    """Add :func:`import_notes` to ``report.notes`` for each module of ``sources``
    (``label``: the file's name as the student knows it, e.g. their notebook's;
    ``folder``: where the module lies)."""
    for ch, source in sources.items():
        report.notes.extend(import_notes(label or ch.filename, source, folder))
