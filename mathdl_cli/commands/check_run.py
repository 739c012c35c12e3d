"""``mathdl check`` without typer: the command's work, and the entry point's
reading of its usual command lines.

``mathdl check`` is the command students run after every change, and typer and
click take a fifth of a bare Python start to import. The entry point reads the
usual forms of its arguments itself (:func:`fast_arguments`) and calls
:func:`run`; any other form (``--help``, ``--opt=`` spellings it does not know,
mistakes) goes to typer, whose signature in ``commands/check.py`` is the
command's definition. ``tests/test_cli.py`` checks that the two read every form
the same way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from ..console import Exit, err, escape, fail, out, print_json
from ..suggest import carry, command
from ._common import chapter_or_exit, course_or_exit, exercise_or_exit, no_module, no_modules, split_id

# the options the entry point reads itself, by the flags typer gives them; the values
# of the first group follow as the next argument or after "="
VALUED = {"--dir": "dir", "-d": "dir", "--case": "case", "--seed": "seed"}
FLAGS = {"--json": "json_output", "--plot": "plot"}
POSITIONAL = ("chapter", "exercise", "case_without_flag")  # the third: refused by run, with the command that means it


def fast_arguments(args: list[str]) -> dict | None:
    """The keyword arguments of :func:`run` for ``mathdl check ARGS``, or None when
    ARGS are not in a form read here (typer then reads them, and says what is wrong).
    Read here: up to two positional words, ``--json``, ``--plot``, and ``--dir``,
    ``-d``, ``--case`` and ``--seed`` with a value that does not start with "-" (a
    seed of digits; a --dir that is a readable folder or nothing yet), each option at
    most once."""
    found: dict = {}
    positional: list[str] = []
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if not word.startswith("-"):
            if not word or len(positional) == len(POSITIONAL):
                return None
            positional.append(word)
            continue
        flag, equals, value = word.partition("=")
        if flag in FLAGS and not equals:
            name, value = FLAGS[flag], True
        elif flag in VALUED and (equals or rest) and (flag.startswith("--") or not equals):
            if not equals:
                value = rest.pop(0)
            if not value or value.startswith("-"):
                return None
            name = VALUED[flag]
        else:
            return None  # --help, --notebook, an unknown or misspelled option: typer's
        if name in found:
            return None
        found[name] = value
    if "seed" in found:
        seed = found["seed"]
        if not seed.isascii() or not seed.isdigit() or len(seed) > 100:  # typer's message for a huge one
            return None
        found["seed"] = int(seed)
    if "dir" in found:
        found["dir"] = Path(found["dir"])
        if os.path.exists(found["dir"]) and not (os.path.isdir(found["dir"]) and os.access(found["dir"], os.R_OK)):
            return None  # typer's message: a folder that exists must be one, and readable
    found.update(zip(POSITIONAL, positional))
    return found


def run(
    chapter: Optional[str] = None,
    exercise: Optional[str] = None,
    dir: Path = Path("."),
    json_output: bool = False,
    case: Optional[str] = None,
    seed: int = 0,
    plot: bool = False,
    notebook: Optional[Path] = None,
    case_without_flag: Optional[str] = None,
) -> None:
    """Grade the workbook's modules and report; leaves by :class:`Exit` (see
    ``commands/check.py`` for the options). ``case_without_flag``: a third word of
    digits (``mathdl check ch2 ridge 3``), refused with the command that means it."""
    from ..workbook import NotWritable, modules_in, save_progress

    course = course_or_exit()
    if case_without_flag is None and chapter and "." in chapter and exercise is not None:  # ch02.ridge names both: a word after it is a third
        case_without_flag, exercise = exercise, None
    chapter, exercise = split_id(chapter, exercise)
    again = dict(dir=None if notebook else dir, json=json_output, seed=seed or None, notebook=notebook, plot=plot)
    if case_without_flag is not None:  # a third word
        if case_without_flag.isascii() and case_without_flag.isdigit() and case is None:
            raise fail(f"unexpected {case_without_flag!r} after the exercise: a case is chosen with --case",
                       command("check", chapter, exercise, **again, case=case_without_flag))
        raise fail(f"unexpected {case_without_flag!r}: mathdl check takes a chapter and an exercise", command("check", chapter, exercise, **again, case=case))

    def chapter_named(name: str):
        found = chapter_or_exit(course, name, lambda ch: command("check", ch.short, exercise, **again),
                                None if exercise else lambda ex: command("check", ex.chapter.short, ex.short, **again, case=case))
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
            nearby = folders_holding(dir, chapters[0].filename, skip=course_dirs)
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

    from ..catalog import ahead_for, preload_for
    from ..early import early_sandbox

    # the child was started first, by the entry point (early.start_early): its Python
    # start-up overlaps with ours. A student checking their own code needs no namespaces
    # (nothing to hide from them; the course graders and recordings are theirs): a
    # limited process will do, and saves probing for and setting up namespaces.
    # A torch chapter's child imports torch at once, also overlapped (preload), unless the
    # exercises checked are numpy ones (their metadata says needs_torch: false).
    sandbox = early_sandbox(preload_for(chapters, selected))
    sources = {ch: built.source.encode() if built else (dir / ch.filename).read_bytes() for ch in chapters}
    placed = {ch.module: sandbox.add_file(ch.filename, sources[ch]) for ch in chapters}
    sandbox.start()
    ahead = ahead_for(chapters)
    for path in placed.values():  # the student's modules are imported while the grader's own start-up goes on
        sandbox.load_ahead(path, modules=ahead)
    try:
        from ..grading.session import run_checks

        modules = {ch: (dir / ch.filename) for ch in chapters}
        target = str(notebook.resolve()) if notebook else str(dir.resolve())
        report = run_checks(course, modules, mode="student", exercises=selected, case=case, seed=seed, target=target, sandbox=sandbox, placed=placed, fast=True)
    except RuntimeError as exc:
        from ..inert import clean

        err.print(f"[bold magenta]internal error:[/] {escape(clean(str(exc)))}")
        raise Exit(1) from None
    finally:
        sandbox.close()
    if case is not None and not any(ex.checks and ex.checks[0].status != "internal_error" for ex in report.exercises):
        raise fail(f"{selected[0].id} has no public case {case!r}", command("check", chapters[0].short, selected[0].short, **again) + "   (lists the cases)")
    from ..provided import note_unprovided

    note_unprovided(report, sources, notebook.name if built else None, notebook.parent if built else dir)  # passes here, 0 where graded
    if seed != 0:
        report.notes.append(f"random inputs from seed {seed}; checks with recorded expected values need the default seed and were skipped")
    if built is not None:
        from ..notebook import relabel

        relabel(report, chapters[0], built, notebook.name, f"--notebook {notebook}")
    if case is None:
        try:  # beside the module, or beside the notebook (status and list show both)
            save_progress(notebook.parent if built else dir, report, notebook=notebook.name if built else None)
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
        print_json(doc)
    else:
        from ..render import report as render_report

        names = notebook.name if notebook else ", ".join(ch.filename for ch in chapters)
        sources = {ch.number: (ch.filename, built.source.encode() if built else modules[ch].read_bytes()) for ch in chapters}
        render_report(out, report, title=f"mathdl check · {names}", again=dict(dir=None if built else dir, seed=seed or None, notebook=notebook), sources=sources)
        if plot:
            from .plot import print_plots

            print_plots(plotted)
    raise Exit(0 if report.ok else 1)
