"""``mathdl gradescope`` (instructors): the autograder zip for a Gradescope assignment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import err, escape, fail, out
from ..defaults import GRADED_MEMORY_MB
from ..inert import clean
from ._common import chapters_or_exit, course_or_exit
from ._options import JsonOption


def gradescope_command(
    chapters: Annotated[list[str], typer.Argument(help="The chapters the assignment grades (ch6, 06, backprop, ...).", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write autograder.zip into.", file_okay=False)],
    secret: Annotated[Optional[str], typer.Option("--secret", envvar="MATHDL_SECRET", help="Course secret (required): hidden cases are drawn from it and the student id. Also read from $MATHDL_SECRET.")] = None,
    hidden_visibility: Annotated[str, typer.Option("--hidden-visibility", help="When students see the hidden checks: after_due_date, after_published, hidden or visible. Gradescope hides a student's total while any test is hidden from them.")] = "after_published",
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Wall-time limit per submission, in seconds (keep it under the assignment's autograder timeout).")] = 300.0,
    memory: Annotated[int, typer.Option("--memory", min=256, help="Memory (address space) limit for student code, in MB.")] = GRADED_MEMORY_MB,
    wheel: Annotated[Optional[Path], typer.Option("--wheel", help="Use this mathdl wheel instead of building one from the course repository.", dir_okay=False, exists=True)] = None,
    json_output: JsonOption = False,
) -> None:
    """Instructors: write autograder.zip for a Gradescope programming assignment.

    Upload the zip on the assignment's Configure Autograder page. Its setup.sh
    installs mathdl from the wheel inside (with the pinned CPU torch); the
    references, the graders and the course secret travel in the zip, never
    in the wheel. Every submission is graded like `mathdl grade` does, with
    hidden cases drawn for the submitter's id.
    """
    from ..batch.outputs import VISIBILITIES
    from ..gradescope_pack import PackError, PackOptions, write_zip

    course = course_or_exit()
    if not course.has_solutions:
        raise fail("the autograder needs the references in solutions_private/", "run mathdl gradescope from the course repository, or set MATHDL_COURSE to it")
    selected = list(dict.fromkeys(chapters_or_exit(course, chapters, lambda fixed: f"name the chapters {' '.join(fixed)}, the rest of the command as it was")))
    if not secret:
        raise fail("no course secret: every student's hidden cases would be predictable", "pass --secret or set MATHDL_SECRET (keep the same one for the whole course)")
    if hidden_visibility not in VISIBILITIES:
        raise fail(f"--hidden-visibility must be one of {', '.join(VISIBILITIES)}", "pass e.g. --hidden-visibility after_published")
    try:
        path = write_zip(course, selected, out_dir, PackOptions(secret, hidden_visibility, timeout, memory), wheel=wheel)
    except PackError as exc:
        raise fail(str(exc), "fix what is named above, then run mathdl gradescope again") from None
    doc = {"version": 1, "kind": "mathdl.gradescope", "zip": str(path), "chapters": [ch.module for ch in selected],
           "hidden_visibility": hidden_visibility, "points": sum(ex.points for ch in selected for ex in ch.exercises)}
    if json_output:
        print(json.dumps(doc, ensure_ascii=True))
        return
    out.print(f"Wrote {escape(clean(str(path)))} for {', '.join(ch.short for ch in selected)} ({doc['points']:g} points).")
    err.print("[dim]next:[/] on Gradescope, create a Programming Assignment worth that many points and upload the zip "
              "under Configure Autograder; test it with a submission there.")


def register(app: typer.Typer) -> None:
    app.command("gradescope")(gradescope_command)
