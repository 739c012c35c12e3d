"""``mathdl hint``: the next hint of an exercise, one at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..console import escape, fail, out
from ..suggest import command
from ..workbook import NotWritable, next_hint
from ._common import course_or_exit, exercise_or_exit, writable_hint
from ._options import DirOption


def hint_command(
    exercise: Annotated[str, typer.Argument(help="The exercise: its full id (ch06.mlp_backward) or its short name (mlp_backward).")],
    dir: DirOption = Path("."),
) -> None:
    """Show the next hint for an exercise (each call reveals one more)."""
    course = course_or_exit()
    ex = exercise_or_exit(course, exercise, again=lambda near: command("hint", near.id, dir=dir))
    try:
        shown, hints = next_hint(dir, ex)
    except NotWritable as exc:
        raise fail(f"{exc}: hints are counted there", writable_hint(dir, exc.cause, "hint", ex.id)) from None
    out.print(f"[bold]{escape(ex.id)}[/]: {escape(ex.title)}")
    for i, text in enumerate(hints, 1):
        style = "" if i == shown else "dim"
        out.print(f"Hint {i} of {len(ex.hints)}: {escape(text)}", style=style)
    if shown == len(ex.hints):
        out.print("[dim]That was the last hint. The docstring in your module states the maths in full.[/]")
    else:
        out.print(f"[dim]Run `{escape(command('hint', ex.id, dir=dir))}` again for the next one.[/]", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("hint")(hint_command)
