"""``mathdl check``: grade the modules of a workbook (public checks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import err, escape, fail, out
from ..suggest import carry, command
from ._common import DirOption, JsonOption, chapter_or_exit, course_or_exit, exercise_or_exit, no_module, no_modules, split_id


def check_command(
    chapter: Annotated[Optional[str], typer.Argument(help="The chapter to check (ch6, 6, backprop). Default: every chapter module in the workbook.")] = None,
    exercise: Annotated[Optional[str], typer.Argument(help="Only this exercise of the chapter (mlp_backward or ch06.mlp_backward).")] = None,
    dir: DirOption = Path("."),
    json_output: JsonOption = False,
    case: Annotated[Optional[str], typer.Option("--case", help="Only this case of the exercise (the number shown in a failure).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the checks' random inputs. Checks whose expected values are recorded only for the default seed 0 are then skipped.")] = 0,
    plot: Annotated[bool, typer.Option("--plot", help="Also draw your curves beside the expected ones into plots/ of the workbook (exercises that have a plot).")] = False,
    notebook: Annotated[Optional[Path], typer.Option("--notebook", help="Grade the chapter's functions defined in this .ipynb's code cells (diagnostics name the cell).", dir_okay=False)] = None,
) -> None:
    """Grade your implementation and explain exactly what is wrong.

    Exit status: 0 when every check passed, 1 when something failed or is not
    started, 2 for a usage error (unknown chapter, missing module).
    """
    from ..workbook import NotWritable, modules_in, save_progress

    course = course_or_exit()
    chapter, exercise = split_id(chapter, exercise)
    again = dict(dir=None if notebook else dir, json=json_output, seed=seed or None, notebook=notebook, plot=plot)

    def chapter_named(name: str):
        found = chapter_or_exit(course, name, lambda ch: command("check", ch.short, exercise, **again))
        if exercise is not None:  # a mistyped name is named before a missing module
            exercise_or_exit(course, exercise, found, lambda ex: command("check", found.short, ex.short, **again, case=case))
        return found

    built = None
    if notebook is not None:
        if chapter is None:
            raise fail("--notebook needs the chapter", command("check", "ch2", notebook=notebook))
        if not notebook.is_file():
            raise fail(f"there is no notebook {notebook}", "pass the path of your .ipynb file")
        from ..notebook import build, read_notebook

        try:
            built = build(read_notebook(notebook))
        except Exception as exc:  # noqa: BLE001 - a file that is not a notebook, or nbformat missing
            raise fail(f"{notebook} could not be read as a notebook: {type(exc).__name__}: {exc}", 'pip install "mathdl[notebook]", and pass an .ipynb file') from None
        chapters = [chapter_named(chapter)]
    elif chapter is not None:
        chapters = [chapter_named(chapter)]
        path = dir / chapters[0].filename
        if not path.is_file():
            from ..names import nearest_folder
            from ..workbook import folders_holding

            if not dir.is_dir():  # a mistyped --dir
                close = nearest_folder(dir)
                raise fail(f"there is no folder {dir}", command("check", chapters[0].short, exercise, **{**again, "dir": close}, case=case) if close
                           else command("new", chapters[0].short, dir=dir))
            course_dirs = {course.exercises_dir.resolve(), course.graders_dir.resolve(), course.solutions_dir.resolve()}
            nearby = [f for f in folders_holding(dir, chapters[0].filename) if (dir / f).resolve() not in course_dirs]
            if nearby:  # the usual slip: the workbook is a sub-folder and --dir was left out
                raise fail(f"there is no {chapters[0].filename} in {dir.resolve()}, but {nearby[0] / chapters[0].filename} exists",
                           command("check", chapters[0].short, exercise, **{**again, "dir": nearby[0]}, case=case))
            raise no_module(course, chapters[0], dir, command("check", chapters[0].short, exercise, **again, case=case))
    else:
        chapters = modules_in(course, dir)
        if not chapters:
            raise no_modules(course, dir, "check")
    selected = None
    if exercise is not None:
        selected = [exercise_or_exit(course, exercise, chapters[0])]
    if case is not None and selected is None:
        raise fail("--case needs an exercise", command("check", "CHAPTER", "EXERCISE", **again, case="N"))
    if case is not None:
        case = case.strip().lower()

    from ..catalog import preload_for
    from ..early import early_sandbox

    # the child was started first, by the entry point (early.start_early): its Python
    # start-up overlaps with ours. A student checking their own code needs no namespaces
    # (nothing to hide from them; the course graders and recordings are theirs): a
    # limited process will do, and saves probing for and setting up namespaces.
    # A torch chapter's child imports torch at once, also overlapped (preload).
    sandbox = early_sandbox(preload_for(chapters))
    placed = {ch.module: sandbox.add_file(ch.filename, built.source.encode() if built else (dir / ch.filename).read_bytes()) for ch in chapters}
    sandbox.start()
    try:
        from ..grading.session import run_checks

        modules = {ch: (dir / ch.filename) for ch in chapters}
        target = str(notebook.resolve()) if notebook else str(dir.resolve())
        report = run_checks(course, modules, mode="student", exercises=selected, case=case, seed=seed, target=target, sandbox=sandbox, placed=placed, fast=True)
    except RuntimeError as exc:
        from ..inert import clean

        err.print(f"[bold magenta]internal error:[/] {escape(clean(str(exc)))}")
        raise typer.Exit(1) from None
    finally:
        sandbox.close()
    if case is not None and not any(ex.checks and ex.checks[0].status != "internal_error" for ex in report.exercises):
        raise fail(f"{selected[0].id} has no public case {case!r}", command("check", chapters[0].short, selected[0].short, **again) + "   (lists the cases)")
    if seed != 0:
        report.notes.append(f"random inputs from seed {seed}; checks with recorded expected values need the default seed and were skipped")
    if built is not None:
        from ..notebook import relabel

        relabel(report, chapters[0], built, notebook.name, f"--notebook {notebook}")
    elif case is None:
        try:
            save_progress(dir, report)
        except NotWritable as exc:
            err.print(f"[yellow]warning:[/] progress not saved: {escape(str(exc))}")
    else:
        report.notes.append(f"only case {case} was run; run the whole exercise to record your progress")
    if built is None:
        carry(report, dir=dir, seed=seed or None)
    plotted = []
    if plot:
        from .plot import draw_plots

        wanted = selected or [ex for ch in chapters for ex in ch.exercises]
        plotted = draw_plots(course, chapters, wanted, dir, {ch: built.source.encode() for ch in chapters} if built else None)
    if json_output:
        doc = report.to_json()
        if plot:
            doc["plots"] = [p.to_json() for p in plotted]
        print(json.dumps(doc, ensure_ascii=False))
    else:
        from ..render import report as render_report

        names = notebook.name if notebook else ", ".join(ch.filename for ch in chapters)
        sources = {ch.number: (ch.filename, built.source.encode() if built else modules[ch].read_bytes()) for ch in chapters}
        render_report(out, report, title=f"mathdl check · {names}", again=dict(dir=None if built else dir, seed=seed or None, notebook=notebook), sources=sources)
        if plot:
            from .plot import print_plots

            print_plots(plotted)
    raise typer.Exit(0 if report.ok else 1)


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
