"""``mathdl status``: progress across chapters, from the last checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import escape, out, points
from ..render import ICON, WORD
from ..suggest import command
from ..workbook import modules_in, progress
from ._common import chapter_or_exit, course_or_exit, rename_step
from ._options import DirOption, JsonOption


def status_command(
    chapter: Annotated[Optional[str], typer.Argument(help="One chapter (ch6, 6, backprop): its exercises one by one. Default: every chapter.", show_default=False)] = None,
    dir: DirOption = Path("."),
    json_output: JsonOption = False,
) -> None:
    """Show your progress in each chapter of this workbook (as of your last `mathdl check`)."""
    course = course_or_exit()
    chapters = [chapter_or_exit(course, chapter, lambda near: command("status", near.short, dir=dir, json=json_output))] if chapter else course.chapters
    present = {ch.number for ch in modules_in(course, dir)}
    done = progress(dir)
    rows = []
    for ch in chapters:
        results = [done.get(ex.id) for ex in ch.exercises]
        exercises = [_exercise_row(ex, r) for ex, r in zip(ch.exercises, results)]
        statuses = [e["status"] for e in exercises]
        notebook = None if ch.number in present else _notebook_of(results)  # checked in a notebook, with no module beside it
        source = dir / ch.filename if ch.number in present else dir / notebook if notebook else None
        rows.append(
            {
                "chapter": ch.number,
                "module": ch.filename if notebook is None else notebook or CELLS,
                "notebook": notebook,
                "present": ch.number in present or notebook is not None,
                "passed": statuses.count("passed"),
                "failed": len(statuses) - statuses.count("passed") - statuses.count("not_started"),
                "not_started": statuses.count("not_started"),
                "exercises": len(ch.exercises),
                "score": round(sum(e["score"] for e in exercises), 4),
                "max_score": sum(ex.points for ex in ch.exercises),
                "changed_since_check": source is not None and _changed_since(source, results),
                "exercise_status": exercises,
            }
        )
    if json_output:
        print(json.dumps({"version": 1, "kind": "mathdl.status", "workbook": str(dir.resolve()), "chapters": rows}))
        return
    started = [r for r in rows if r["present"]]
    if not started:
        from ..names import nearest_folder
        from ..workbook import any_lookalike, lookalike

        close = nearest_folder(dir) if not dir.is_dir() else None
        if close is not None:  # a mistyped --dir
            out.print(f"There is no folder {escape(str(dir.resolve()))}: did you mean `{escape(command('status', chapter and chapters[0].short, dir=close))}`?", soft_wrap=True)
            return
        if chapter:  # `mathdl status ch5` before ch5 is started
            wanted = chapters[0]
            near = lookalike(course, dir, wanted)
            found = (wanted, near) if near is not None else None
        else:
            found = any_lookalike(course, dir)
        if found is not None:  # the module saved under another name: renaming it is the next step, not `new`
            misnamed, path = found
            rename = rename_step(path, dir, misnamed, command("status", chapter and misnamed.short, dir=dir))
            out.print(f"No {escape(misnamed.filename if chapter else 'chapter modules')} in {escape(str(dir.resolve()))}, but {escape(path.name)} defines chapter {misnamed.number}'s functions: "
                      f"its module must be named {escape(misnamed.filename)}. Rename it: `{escape(rename)}`.", soft_wrap=True)
            return
        what, start = (chapters[0].filename, chapters[0].short) if chapter else ("chapter modules", "ch2")
        out.print(f"No {escape(what)} in {escape(str(dir.resolve()))} yet. Start with `{escape(command('new', start, dir=dir))}`.", soft_wrap=True)
        return
    for r in started:
        bar = "[green]✓[/]" * r["passed"] + "[red]✗[/]" * r["failed"] + "[dim]·[/]" * r["not_started"]
        counts = f"{r['passed']} passed, {r['failed']} failed, {r['not_started']} not started"
        changed = "  [yellow](changed since your last check)[/]" if r["changed_since_check"] else ""
        out.print(f"ch{r['chapter']:<3} {escape(r['module']):<32} {bar}{' ' * (8 - r['exercises'])}  {counts}  {points(r['score'])}/{points(r['max_score'])} pts{changed}")
        if chapter:
            _print_exercises(chapters[0], r["exercise_status"], dir, r["notebook"])
    # the command that checks again: the workbook's modules (one `mathdl check`), and each chapter kept in a notebook
    updates = ([command("check", chapters[0].short if chapter else None, dir=dir)] if any(r["notebook"] is None for r in started) else [])
    updates += [_check_command(course.chapter(r["chapter"]), None, dir, r["notebook"]) for r in started if r["notebook"] is not None]
    out.print(f"[dim]From your last checks; run {escape(' and '.join(f'`{u}`' for u in updates))} to update.[/]", soft_wrap=True)


CELLS = "notebook cells"  # a chapter checked from a Jupyter kernel's cells (mathdl.check("ch2"))


def _notebook_of(results: list[dict | None]) -> str | None:
    """The notebook the chapter's latest check came from ("" for a kernel's cells), or None."""
    checked = [r for r in results if r and "notebook" in r]
    return max(checked, key=lambda r: r.get("checked") or "")["notebook"] if checked else None


def _check_command(ch, ex, dir: Path, notebook: str | None) -> str:
    """The command that checks ``ex`` (None: the chapter) where it was last checked."""
    short = ex.short if ex is not None else None
    if notebook is None:
        return command("check", ch.short, short, dir=dir)
    if notebook:
        return command("check", ch.short, short, notebook=dir / notebook)
    return f'mathdl.check("{ch.short}"' + (f', "{short}"' if short else "") + ") in your notebook"


def _exercise_row(ex, result: dict | None) -> dict:
    status = result.get("status") if result else None
    return {"id": ex.id, "status": status if status and status != "skipped" else "not_started",
            "score": result.get("score", 0) if result else 0, "max_score": ex.points, "checked": result.get("checked") if result else None,
            "notebook": result.get("notebook") if result else None}


def _print_exercises(ch, rows: list[dict], dir: Path, notebook: str | None) -> None:
    """One line per exercise of ``ch``, with the command to run next where it does not pass."""
    for ex, row in zip(ch.exercises, rows):
        status = row["status"]
        then = "" if status == "passed" else _check_command(ch, ex, dir, notebook) if status != "not_started" else command("hint", ex.id, dir=dir)
        when = f"  [dim]checked {escape(row['checked'].replace('T', ' '))}[/]" if row["checked"] else ""
        icon, label = ICON.get(status, ICON["failed"]), WORD.get(status, escape(status))  # as list and check show them
        out.print(f"  {icon} {escape(ex.id):<36} {points(row['score'])}/{points(row['max_score'])} pts  {label}{when}" + (f"  [dim]next:[/] {escape(then)}" if then else ""), soft_wrap=True)


def _changed_since(module: Path, results: list[dict | None]) -> bool:
    """Whether ``module`` was saved after the last check of its chapter (local times, to the second)."""
    import time

    stamps = [r["checked"] for r in results if r and r.get("checked")]
    if not stamps:
        return False
    try:
        last = time.mktime(time.strptime(max(stamps), "%Y-%m-%dT%H:%M:%S"))
        return module.stat().st_mtime >= last + 1
    except (OSError, ValueError, OverflowError):
        return False


def register(app: typer.Typer) -> None:
    app.command("status")(status_command)
