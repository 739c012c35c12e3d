"""Public checks of a student's chapter modules, as data: what ``mathdl check``
runs, shared by ``mathdl watch``, ``mathdl submit`` and the notebook API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .early import student_sandbox

if TYPE_CHECKING:
    from pathlib import Path

    from .catalog import Chapter, Course, Exercise
    from .results import Report
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
    label: str | None = None,
    folder: Path | None = None,
) -> Report:
    """Run the public checks (student mode) on module sources in a fresh child.

    The child is a plain limited process, as for ``mathdl check``: a student
    checking their own code has nothing to hide from. A fresh child per call
    means no import state leaks from one run to the next. ``sandbox`` may be a
    fresh one started ahead of time (see :mod:`mathdl_cli.early`): the child
    imports the modules on its first call, so files can be added after its
    start. It is closed here. ``label``: what the student calls the module, in
    the report's notes (a notebook's name), if not its file name; ``folder``: where
    it lies (its imports of modules beside it are named as the student's own).
    """
    from .grading.session import run_checks

    sandbox = sandbox or student_sandbox(start=False)
    placed = {ch.module: sandbox.add_file(ch.filename, data) for ch, data in modules.items()}
    sandbox.start()
    try:
        report = run_checks(course, dict(modules), mode="student", exercises=exercises, case=case, seed=seed, target=target, sandbox=sandbox, placed=placed, fast=True)
    finally:
        sandbox.close()
    from .provided import note_unprovided

    note_unprovided(report, modules, label, folder)
    return report


def import_failures(report: Report) -> dict[str, str]:
    """Chapter modules that could not be imported: exercise id -> message."""
    found = {}
    for ex in report.exercises:
        for check in ex.checks:
            if (check.diagnostic or {}).get("kind") == "import":
                found[ex.id] = check.message
                break
    return found
