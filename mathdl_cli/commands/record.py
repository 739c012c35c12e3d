"""``mathdl record`` (instructors): record the reference outputs used by public checks."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..console import Exit, err, escape, fail, out
from ..suggest import command
from ._common import chapters_or_exit, course_or_exit


def record_command(
    chapters: Annotated[Optional[list[str]], typer.Argument(help="Chapters to record (default: all).")] = None,
) -> None:
    """Instructors: store the reference's outputs on the public checks next to
    the graders, so students can run them without the reference. Run it after
    changing a reference or a public check; `mathdl validate` proves it current.
    """
    from ..validate import record

    course = course_or_exit()
    if not course.has_solutions:
        raise fail("recording needs the references in solutions_private/", "run mathdl from the course repository")
    selected = chapters_or_exit(course, chapters, lambda fixed: command("record", *fixed)) if chapters else course.chapters
    failed = False
    for ch in selected:
        report = record(course, ch)
        bad = [f"{ex.id} case {c.case}: {c.status}: {c.message.splitlines()[0] if c.message else ''}" for ex in report.exercises for c in ex.checks if c.status != "passed"]
        icon = "[green]✓[/]" if not bad else "[red]✗[/]"
        out.print(f"{icon} {escape(ch.module)}: recorded {sum(len(ex.checks) for ex in report.exercises)} checks")
        for line in bad:
            err.print(f"    [red]{escape(line)}[/]")
        failed |= bool(bad)
    raise Exit(1 if failed else 0)


def register(app: typer.Typer) -> None:
    app.command("record")(record_command)
