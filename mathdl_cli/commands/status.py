"""``mathdl status``: progress across chapters, from the last checks."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..console import escape, out, points
from ..suggest import command
from ..workbook import modules_in, progress
from ._common import course_or_exit, rename_step
from ._options import DirOption, JsonOption


def status_command(dir: DirOption = Path("."), json_output: JsonOption = False) -> None:
    """Show your progress in each chapter of this workbook (as of your last `mathdl check`)."""
    course = course_or_exit()
    present = {ch.number for ch in modules_in(course, dir)}
    done = progress(dir)
    rows = []
    for ch in course.chapters:
        results = [done.get(ex.id) for ex in ch.exercises]
        rows.append(
            {
                "chapter": ch.number,
                "module": ch.filename,
                "present": ch.number in present,
                "passed": sum(1 for r in results if r and r.get("status") == "passed"),
                "failed": sum(1 for r in results if r and r.get("status") not in ("passed", "not_started", "skipped")),
                "not_started": sum(1 for r in results if not r or r.get("status") in ("not_started", "skipped")),
                "exercises": len(ch.exercises),
                "score": round(sum(r.get("score", 0) for r in results if r), 4),
                "max_score": sum(ex.points for ex in ch.exercises),
            }
        )
    if json_output:
        print(json.dumps({"version": 1, "kind": "mathdl.status", "workbook": str(dir.resolve()), "chapters": rows}))
        return
    started = [r for r in rows if r["present"]]
    if not started:
        from ..workbook import any_lookalike

        found = any_lookalike(course, dir)
        if found is not None:  # the module saved under another name: renaming it is the next step, not `new`
            chapter, path = found
            rename = rename_step(path, dir, chapter, command("status", dir=dir))
            out.print(f"No chapter modules in {escape(str(dir.resolve()))}, but {escape(path.name)} defines chapter {chapter.number}'s functions: "
                      f"its module must be named {escape(chapter.filename)}. Rename it: `{escape(rename)}`.", soft_wrap=True)
            return
        out.print(f"No chapter modules in {escape(str(dir.resolve()))} yet. Start with `{escape(command('new', 'ch2', dir=dir))}`.", soft_wrap=True)
        return
    for r in started:
        bar = "[green]✓[/]" * r["passed"] + "[red]✗[/]" * r["failed"] + "[dim]·[/]" * r["not_started"]
        counts = f"{r['passed']} passed, {r['failed']} failed, {r['not_started']} not started"
        out.print(f"ch{r['chapter']:<3} {escape(r['module']):<32} {bar}{' ' * (8 - r['exercises'])}  {counts}  {points(r['score'])}/{points(r['max_score'])} pts")
    out.print(f"[dim]From your last checks; run `{escape(command('check', dir=dir))}` to update.[/]", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("status")(status_command)
