"""``mathdl new``: scaffold a chapter's module of stubs into the workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import escape, fail, out
from ..suggest import command
from ..workbook import NotWritable, scaffold
from ._common import chapter_or_exit, course_or_exit, writable_hint
from ._options import DirOption


def new_command(
    chapter: Annotated[Optional[str], typer.Argument(help="The chapter: ch6, ch06, 6 or its slug (backprop).", show_default=False)] = None,
    dir: DirOption = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing module with fresh stubs, keeping the old file as a .bak backup.")] = False,
) -> None:
    """Write the chapter's module of stubs (chNN_<slug>.py) into your workbook.

    An existing module is never overwritten: with --force it is first renamed
    to a timestamped backup.
    """
    course = course_or_exit()
    if chapter is None:
        listing = ", ".join(f"{c.short} ({c.slug})" for c in course.chapters)
        raise fail(f"which chapter? The chapters: {listing}", command("new", course.chapters[0].short, dir=dir))
    ch = chapter_or_exit(course, chapter, again=lambda c: command("new", c.short, dir=dir, force=force))
    try:
        result = scaffold(ch, dir, force=force)
    except NotWritable as exc:
        raise fail(str(exc), writable_hint(dir, exc.cause, "new", ch.short, force=force)) from None
    if not result.created:
        out.print(f"{escape(str(result.path))} already exists; left untouched.")
        out.print(f"[dim]Check it with `{escape(command('check', ch.short, dir=dir))}`, or start over with `{escape(command('new', ch.short, dir=dir, force=True))}` (keeps a backup).[/]", soft_wrap=True)
        return
    if result.backup:
        out.print(f"Kept your previous file as {escape(str(result.backup))}")
    out.print(f"Wrote {escape(str(result.path))}: chapter {ch.number}, {escape(ch.title)} ({len(ch.exercises)} exercises).")
    out.print("Next: open it, implement the functions (each docstring states the maths and the shapes), then run")
    out.print(f"  {escape(command('check', ch.short, dir=dir))}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("new")(new_command)
