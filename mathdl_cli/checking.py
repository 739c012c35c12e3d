"""Public checks of a student's chapter modules, as data: what ``mathdl check``
runs, shared by ``mathdl watch``, ``mathdl submit`` and the notebook API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog import Chapter, Course, Exercise
from .results import Report

if TYPE_CHECKING:
    from .sandbox import Sandbox


@dataclass
class SyntaxProblem:
    """A module that does not compile: where, and what."""

    filename: str
    line: int
    column: int
    message: str
    text: str = ""

    def __str__(self) -> str:
        where = f"{self.filename}, line {self.line}" + (f", column {self.column}" if self.column else "")
        shown = f"\n    {self.text.rstrip()}" if self.text.strip() else ""
        return f"{where}: {self.message}{shown}"


def syntax_problem(filename: str, source: bytes | str) -> SyntaxProblem | None:
    """Compile (never run) a module's source; the syntax error, if any."""
    try:
        compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return SyntaxProblem(filename, exc.lineno or 0, exc.offset or 0, exc.msg or "invalid syntax", exc.text or "")
    except ValueError as exc:  # source with NUL bytes
        return SyntaxProblem(filename, 0, 0, str(exc))
    return None


def check_sources(
    course: Course,
    modules: dict[Chapter, bytes],
    *,
    exercises: list[Exercise] | None = None,
    case: str | None = None,
    seed: int = 0,
    target: str = "",
    sandbox: "Sandbox | None" = None,
) -> Report:
    """Run the public checks (student mode) on module sources in a fresh child.

    The child is a plain limited process, as for ``mathdl check``: a student
    checking their own code has nothing to hide from. A fresh child per call
    means no import state leaks from one run to the next. ``sandbox`` may be a
    fresh one started ahead of time (see :func:`student_sandbox`): the child
    imports the modules on its first call, so files can be added after its
    start. It is closed here.
    """
    from .grading.session import run_checks

    sandbox = sandbox or student_sandbox(start=False)
    placed = {ch.module: sandbox.add_file(ch.filename, data) for ch, data in modules.items()}
    sandbox.start()
    try:
        return run_checks(course, dict(modules), mode="student", exercises=exercises, case=case, seed=seed, target=target, sandbox=sandbox, placed=placed, fast=True)
    finally:
        sandbox.close()


_early: "Sandbox | None" = None


def start_early() -> None:
    """Start the child of a ``mathdl check`` at once (the entry point calls this
    before importing the CLI): its Python start-up and numpy import then overlap
    with the grader's own. It stays empty until :func:`early_sandbox` hands it
    over; an unused one is closed with the process."""
    import atexit

    global _early
    _early = student_sandbox(start=True)
    atexit.register(_close_early)  # after the sandbox module's own cleanup: runs before it


def _close_early() -> None:
    global _early
    sandbox, _early = _early, None
    if sandbox is not None:
        sandbox.close()


def early_sandbox(preload: tuple[str, ...] = ()) -> "Sandbox":
    """The child started by :func:`start_early` if it suits (the same preload),
    else a new sandbox for a student's code, not started."""
    global _early
    sandbox, _early = _early, None
    if sandbox is not None and tuple(sandbox.preload) == tuple(preload):
        return sandbox
    if sandbox is not None:
        sandbox.close()  # a torch chapter: its child must import torch from the start
    return student_sandbox(start=False, preload=preload)


def student_sandbox(start: bool = True, preload: tuple[str, ...] = ()) -> "Sandbox":
    """A sandbox for a student's own code: a plain process with limits."""
    from .sandbox import ProcessIsolation, Sandbox

    sandbox = Sandbox(isolation=ProcessIsolation(), preload=preload)
    if start:
        sandbox.start()
    return sandbox


def import_failures(report: Report) -> dict[str, str]:
    """Chapter modules that could not be imported: exercise id -> message."""
    found = {}
    for ex in report.exercises:
        for check in ex.checks:
            if (check.diagnostic or {}).get("kind") == "import":
                found[ex.id] = check.message
                break
    return found
