"""``mathdl list``: chapters, exercises, points and the student's progress."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import escape, out, print_json
from ..workbook import progress
from ..render import ICON, WORD
from ..suggest import command
from ._common import chapters_or_exit, course_or_exit
from ._options import DirOption, JsonOption


def list_command(
    chapter: Annotated[Optional[list[str]], typer.Argument(help="Only these chapters (ch6, 6, backprop). Default: every chapter.", show_default=False)] = None,
    dir: DirOption = Path("."),
    json_output: JsonOption = False,
) -> None:
    """List the chapters and exercises, with points and your progress in this workbook."""
    course = course_or_exit()
    again = lambda fixed: command("list", *fixed, dir=dir, json=json_output)  # noqa: E731
    chapters = list(dict.fromkeys(chapters_or_exit(course, chapter, again))) if chapter else course.chapters
    done = progress(dir)
    if json_output:
        doc = {
            "version": 1,
            "kind": "mathdl.list",
            "chapters": [
                {
                    "number": ch.number,
                    "slug": ch.slug,
                    "title": ch.title,
                    "module": ch.filename,
                    "book": ch.book,
                    "exercises": [
                        {
                            "id": ex.id,
                            "title": ex.title,
                            "section": ex.section,
                            "points": ex.points,
                            "functions": [f.name for f in ex.functions],
                            "hints": len(ex.hints),
                            "status": done.get(ex.id, {}).get("status"),
                        }
                        for ex in ch.exercises
                    ],
                }
                for ch in chapters
            ],
        }
        print_json(doc)
        return
    for ch in chapters:
        out.print(f"[bold]{escape(ch.short)}[/] [dim]({escape(ch.slug)})[/]  {escape(ch.title)}  [dim]→ {escape(ch.filename)}[/]")
        for ex in ch.exercises:
            status = done.get(ex.id, {}).get("status")
            mark, word = (ICON.get(status, "[red]✗[/]"), f"  {WORD.get(status, status)}") if status else (" ", "")
            out.print(f"  {mark} {escape(ex.id):<34} {ex.points:>3g} pts  {escape(ex.title)}{word}")
    first = chapters[0].short if chapter else "ch6"
    out.print(f"\n[dim]Start a chapter with `{escape(command('new', first, dir=dir))}`; check it with `{escape(command('check', first, dir=dir))}`.[/]", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("list")(list_command)
