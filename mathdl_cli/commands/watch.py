"""``mathdl watch``: check a chapter module each time it is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import Exit, out
from ._common import course_or_exit, workbook_chapters
from ._options import DirOption


def watch_command(
    chapter: Annotated[Optional[str], typer.Argument(help="The chapter to watch (ch6, 6, backprop). Default: every chapter module in the workbook.")] = None,
    dir: DirOption = Path("."),
    poll: Annotated[bool, typer.Option("--poll", help="Look at the files every quarter second instead of asking the system to report changes.")] = False,
) -> None:
    """Check your chapter module every time you save it (Ctrl-C to leave).

    Shows the chapter's points, the first exercise that does not pass yet with
    its full diagnostic, and the command for its next hint.
    """
    from ..watch import watch
    from ..workbook import save_progress

    course = course_or_exit()
    chapters = workbook_chapters(course, chapter, dir, "watch", poll=poll)

    def record(outcome) -> None:
        if outcome.report is not None:
            save_progress(dir, outcome.report)

    try:
        watch(course, dir, chapters, out, poll=poll, clear=out.is_terminal, on_outcome=record)
    except KeyboardInterrupt:
        out.print("\nstopped watching")
    raise Exit(0)


def register(app: typer.Typer) -> None:
    app.command("watch")(watch_command)
