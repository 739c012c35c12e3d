"""``mathdl validate`` (instructors): prove the graders against references and mutants."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..console import Exit, err, escape, fail, out, print_json
from ..suggest import command
from ._common import chapters_or_exit, course_or_exit
from ._options import JsonOption


def validate_command(
    chapters: Annotated[Optional[list[str]], typer.Argument(help="Chapters to validate (default: all).")] = None,
    json_output: JsonOption = False,
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Grade the reference on this many seeds of the hidden cases.")] = 1,
) -> None:
    """Instructors: every reference gets full marks, every stub scores zero
    (not started), and every mutant (a known student bug) is caught.

    Needs the course repository (solutions_private/). Exit status 0 when all
    holds, 1 when something does not.
    """
    from ..solutions import MissingSolutions
    from ..validate import validate

    course = course_or_exit()
    again = lambda fixed: command("validate", *fixed, json=json_output, seeds=seeds if seeds != 1 else None)  # noqa: E731
    selected = chapters_or_exit(course, chapters, again) if chapters else course.chapters
    if not course.has_solutions:
        raise fail("this installation has no solutions_private/ (validation needs the course repository)", "run mathdl from a clone of the course repository, or set MATHDL_COURSE to it")
    from ..solutions import mutants

    progress = None
    if sys.stderr.isatty() and not json_output:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        total = sum(1 + len(mutants(course, ch)) for ch in selected)
        progress = Progress(TextColumn("validating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err.console, transient=True)
        task = progress.add_task("validate", total=total)
        progress.start()
    try:
        report = validate(course, selected, seeds=list(range(seeds)), on_progress=(lambda: progress.advance(task)) if progress else None)
    except MissingSolutions as exc:
        raise fail(str(exc), "add the reference module, or validate other chapters") from None
    finally:
        if progress is not None:
            progress.stop()
    if json_output:
        print_json(report.to_json())
    else:
        for ex in report.exercises:
            caught = sum(m.caught for m in ex.mutants)
            icon = "[green]✓[/]" if ex.ok else "[red]✗[/]"
            out.print(f"{icon} {escape(ex.id):<36} reference {ex.reference}, recorded {ex.recorded}, stub {ex.stub.replace('_', ' ')}, mutants caught {caught}/{len(ex.mutants)}")
            for problem in ex.problems:
                out.print(f"    [red]{escape(problem)}[/]")
        bad = sum(not e.ok for e in report.exercises)
        summary = "all good" if report.ok else f"{bad} exercise(s) with problems"
        err.print(f"[bold]{len(report.exercises)} exercises validated on {len(report.seeds)} seed(s): {summary}[/]")
    raise Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
