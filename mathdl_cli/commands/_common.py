"""Shared argument types and lookups for the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..catalog import CatalogError, Chapter, Course, Exercise, LookupFailed, load_course
from ..console import fail

DirOption = Annotated[
    Path,
    typer.Option("--dir", "-d", help="The workbook folder holding your chapter modules (default: the current folder).", file_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else there.")]


def course_or_exit() -> Course:
    try:
        return load_course()
    except CatalogError as exc:
        raise fail(f"the course metadata is invalid: {exc}", "fix the file named above (instructors), or reinstall mathdl") from None


def chapter_or_exit(course: Course, name: str) -> Chapter:
    try:
        return course.chapter(name)
    except LookupFailed as exc:
        raise fail(str(exc), "run `mathdl list` to see the chapters") from None


def exercise_or_exit(course: Course, name: str, chapter: Chapter | None = None) -> Exercise:
    try:
        return course.exercise(name, chapter)
    except LookupFailed as exc:
        where = f"mathdl list (chapter {chapter.number})" if chapter else "mathdl list"
        raise fail(str(exc), f"run `{where}` to see the exercise ids") from None


def workbook_chapters(course: Course, chapter: Optional[str], folder: Path) -> list[Chapter]:
    """The chapter named (its module must exist), else every chapter module in the workbook."""
    from ..workbook import modules_in

    if chapter is not None:
        ch = chapter_or_exit(course, chapter)
        if not (folder / ch.filename).is_file():
            raise fail(f"there is no {ch.filename} in {folder.resolve()}", f"mathdl new {ch.short}" + ("" if folder == Path(".") else f" --dir {folder}"))
        return [ch]
    chapters = modules_in(course, folder)
    if not chapters:
        raise fail(f"no chapter modules (chNN_<slug>.py) in {folder.resolve()}", "mathdl new ch2   (or pass --dir to point at your workbook)")
    return chapters
