"""``mathdl plot``: draw an exercise's curve beside the expected one, as a PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..console import Exit, err, escape, fail, out, print_json
from ..inert import clean
from ..suggest import command
from ._common import chapter_named, course_or_exit, exercise_named, exercise_or_exit, no_module
from ._options import DirOption, JsonOption


def draw_plots(course, chapters, exercises, folder: Path, sources=None) -> list:
    """Render the plots of ``exercises`` into ``folder/plots``; exits 2 without matplotlib."""
    from ..plots import PLOTS_DIR, MissingMatplotlib, render

    sources = sources or {ch: (folder / ch.filename).read_bytes() for ch in chapters}
    try:
        return render(course, sources, exercises, folder / PLOTS_DIR)
    except MissingMatplotlib as exc:
        raise fail(str(exc), 'pip install "mathdl[plots]"') from None


def print_plots(plotted: list) -> None:
    for p in plotted:
        if p.path is not None:
            out.print(f"[dim]plot:[/] {escape(clean(str(p.path)))}  [dim]({escape(clean('; '.join(p.legend)))})[/]")
        else:
            err.print(f"[yellow]not plotted:[/] {escape(p.exercise)}: {escape(clean(p.error))}")


def plot_command(
    exercise: Annotated[str, typer.Argument(help="The exercise: its full id (ch02.gd_least_squares) or short name; a chapter (ch2) draws all of its plots.")],
    dir: DirOption = Path("."),
    json_output: JsonOption = False,
) -> None:
    """Draw your curve beside the expected one (or the bound) into plots/ of the workbook.

    Exit status: 0 when the plot was written, 1 when your function could not
    produce a curve, 2 for a usage error (no plot for this exercise, no module).
    """
    from ..plots import hooks

    course = course_or_exit()
    chapter = None if exercise_named(course, exercise) else chapter_named(course, exercise)
    if chapter is not None:  # `mathdl plot ch2`: every plot of the chapter
        chosen = [e for e in chapter.exercises if e.short in hooks(course, chapter)]
        what = f"chapter {chapter.number}"
    else:
        ex = exercise_or_exit(course, exercise, again=lambda near: command("plot", near.id, dir=dir, json=json_output),
                             again_chapter=lambda near: command("plot", near.short, dir=dir, json=json_output))
        chapter, chosen, what = ex.chapter, [ex] if ex.short in hooks(course, ex.chapter) else [], ex.id
    if not chosen:
        with_plots = [e.id for c in course.chapters for e in c.exercises if e.short in hooks(course, c)]
        raise fail(f"{what} has no plot", "plots exist for: " + (", ".join(with_plots) or "no exercise yet"))
    if not (dir / chapter.filename).is_file():
        raise no_module(course, chapter, dir, command("plot", exercise, dir=dir))
    plotted = draw_plots(course, [chapter], chosen, dir)
    if json_output:
        print_json({"version": 1, "kind": "mathdl.plot", "plots": [p.to_json() for p in plotted]})
    else:
        print_plots(plotted)
    raise Exit(0 if all(p.path for p in plotted) else 1)


def register(app: typer.Typer) -> None:
    app.command("plot")(plot_command)
