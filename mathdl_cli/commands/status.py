"""``mathdl status``: progress across chapters, from the last checks."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..console import escape, out
from ..workbook import modules_in, progress
from ._common import DirOption, JsonOption, course_or_exit


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
        out.print(f"No chapter modules in {escape(str(dir.resolve()))} yet. Start with `mathdl new ch2`.")
        return
    for r in started:
        bar = "█" * r["passed"] + "░" * (r["exercises"] - r["passed"])
        out.print(f"ch{r['chapter']:<3} {escape(r['module']):<32} {bar}  {r['passed']}/{r['exercises']} passed  {r['score']:g}/{r['max_score']:g} pts")
    out.print("[dim]From your last checks; run `mathdl check` to update.[/]")


def register(app: typer.Typer) -> None:
    app.command("status")(status_command)
