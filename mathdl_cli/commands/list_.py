"""``mathdl list``: chapters, exercises, points and the student's progress."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..console import escape, out
from ..workbook import progress
from ._common import DirOption, JsonOption, course_or_exit


def list_command(dir: DirOption = Path("."), json_output: JsonOption = False) -> None:
    """List the chapters and exercises, with points and your progress in this workbook."""
    course = course_or_exit()
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
                for ch in course.chapters
            ],
        }
        print(json.dumps(doc, ensure_ascii=False))
        return
    for ch in course.chapters:
        out.print(f"[bold]{escape(ch.short)}[/] [dim]({escape(ch.slug)})[/]  {escape(ch.title)}  [dim]→ {escape(ch.filename)}[/]")
        for ex in ch.exercises:
            status = done.get(ex.id, {}).get("status")
            mark = {"passed": "[green]✓[/]", None: " "}.get(status, "[yellow]…[/]")
            out.print(f"  {mark} {escape(ex.id):<34} {ex.points:>3g} pts  {escape(ex.title)}")
    out.print("\n[dim]Start a chapter with `mathdl new ch6`; check it with `mathdl check ch6`.[/]")


def register(app: typer.Typer) -> None:
    app.command("list")(list_command)
