"""Shared argument types and lookups for the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
