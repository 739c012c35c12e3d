"""Shared lookups and usage errors for the commands (typer-free: ``mathdl check``'s
fast start uses them; the shared option types are in ``_options``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..catalog import CatalogError, Chapter, Course, Exercise, LookupFailed, load_course
from ..console import Exit, fail


def course_or_exit() -> Course:
    try:
        return load_course()
    except CatalogError as exc:
        raise fail(f"the course metadata is invalid: {exc}", "fix the file named above (instructors), or reinstall mathdl") from None


def chapter_or_exit(course: Course, name: str, again=None, again_exercise=None) -> Chapter:
    """The chapter ``name`` names; else a usage error offering the closest chapters,
    or, for an exercise's name (``mathdl check ridge``), that exercise's chapter.
    ``again(chapter)`` is the command to suggest with the closest one;
    ``again_exercise(exercise)``, where the command also takes an exercise, the
    command for the exercise named."""
    try:
        return course.chapter(name)
    except LookupFailed as exc:
        from ..names import closest_chapters, exercise_misspelt

        near = closest_chapters(course, name)
        if not near:
            meant = exercise_named(course, name) or exercise_misspelt(course.all_exercises(), name)
            if meant is not None:  # an exercise where its chapter goes
                then = again_exercise(meant) if again_exercise else again(meant.chapter) if again else f"run `mathdl list {meant.chapter.short}`"
                said = "is" if exercise_named(course, name) is meant else "looks like"
                raise fail(f"{name!r} {said} an exercise of chapter {meant.chapter.number} ({meant.id}), not a chapter", then) from None
            raise fail(str(exc), "run `mathdl list` to see the chapters") from None
        options = " or ".join(f"{ch.short} ({ch.slug})" for ch in near)
        raise fail(f"unknown chapter {name!r}: did you mean {options}?", again(near[0]) if again else "run `mathdl list` to see the chapters") from None


def chapters_or_exit(course: Course, names: list[str], again=None) -> list[Chapter]:
    """The chapters ``names`` name; else a usage error for the first unknown one.
    ``again(names)`` is the command to suggest, given the names with each unknown
    one replaced by its closest chapter (when every unknown one has one)."""
    from ..names import closest_chapters

    chapters = [chapter_named(course, name) for name in names]
    if None not in chapters:
        return chapters  # type: ignore[return-value]
    fixed = [name if ch is not None else next((near.short for near in closest_chapters(course, name, n=1)), None) for name, ch in zip(names, chapters)]
    suggest = (lambda _: again(fixed)) if again is not None and None not in fixed else None
    return [chapter_or_exit(course, names[chapters.index(None)], suggest)]  # the first unknown name: raises


def exercise_or_exit(course: Course, name: str, chapter: Chapter | None = None, again=None, again_chapter=None) -> Exercise:
    """The exercise ``name`` names (a short name, or a full id such as
    ch02.least_squares); else a usage error offering the closest exercises.
    ``again(exercise)`` is the command to suggest with the closest one;
    ``again_chapter(chapter)``, for a command that also takes a chapter, the
    command with the chapter a mistyped one (``ch3x``) stands for."""
    try:
        return course.exercise(name, chapter)
    except LookupFailed as exc:
        from ..names import closest_exercises

        named = chapter_named(course, name) if chapter is None else None
        if named is not None:  # `mathdl hint ch2`: a chapter where an exercise is expected
            ids = ", ".join(ex.id for ex in named.exercises)
            raise fail(f"{name} is a chapter; name one of its exercises: {ids}",
                       again(named.exercises[0]) if again else f"run `mathdl list {named.short}` to see them") from None
        prefix, dot, short = name.rpartition(".")
        within = chapter or (chapter_named(course, prefix) if dot else None)  # ch17.<typo>: look in chapter 17
        pool = within.exercises if within is not None else course.all_exercises()
        near = closest_exercises(pool, short if dot else name)
        where = f"mathdl list {within.short}" if within else "mathdl list"
        if not near and within is None and (like := _chapter_like(course, name)) is not None:  # `mathdl hint ch3x`
            if again_chapter is not None:
                raise fail(f"unknown exercise or chapter {name!r}: did you mean chapter {like.short} ({like.slug})?", again_chapter(like)) from None
            ids = ", ".join(ex.id for ex in like.exercises)
            raise fail(f"{name!r} is neither an exercise nor a chapter; did you mean chapter {like.short} ({like.slug})? Name one of its exercises: {ids}",
                       again(like.exercises[0]) if again else f"run `mathdl list {like.short}` to see them") from None
        if not near and within is not None:  # nothing close: the chapter's own exercises, not another chapter's
            ids = ", ".join(ex.id for ex in within.exercises)
            raise fail(f"chapter {within.number} has no exercise {short if dot else name!r}; its exercises: {ids}",
                       f"run `{where}` to see what each one is") from None
        if not near:
            raise fail(str(exc), f"run `{where}` to see the exercise ids") from None
        shown = " or ".join(ex.short if chapter else ex.id for ex in near)
        owner = f"chapter {within.number} has no exercise {short if dot else name!r}" if within else f"unknown exercise {name!r}"
        raise fail(f"{owner}: did you mean {shown}?", again(near[0]) if again else f"run `{where}` to see the exercise ids") from None


def _chapter_like(course: Course, name: str) -> Chapter | None:
    """The chapter closest to ``name``, a mistyped chapter (``ch3x``, ``backprpo``), or None."""
    from ..names import closest_chapters

    near = closest_chapters(course, name, n=1)
    return near[0] if near else None


def chapter_named(course: Course, name: str) -> Chapter | None:
    """The chapter ``name`` names exactly, or None."""
    try:
        return course.chapter(name)
    except LookupFailed:
        return None


def split_id(chapter: str | None, exercise: str | None) -> tuple[str | None, str | None]:
    """``ch02.least_squares`` given where a chapter is expected: the chapter and the exercise."""
    if chapter and exercise is None and "." in chapter:
        head, _, tail = chapter.partition(".")
        return head, tail
    return chapter, exercise


def writable_hint(dir: Path, cause: str, *words: str, **options) -> str:
    """The next step for a workbook folder that cannot be written (``cause``: NotWritable's)."""
    from ..suggest import command, options_suffix

    again = command(*words, dir=dir, **options)
    if cause == "read-only":
        where = options_suffix(dir=dir if dir != Path(".") else Path(".").resolve())[len(" --dir "):]
        return f"make it writable (chmod u+w {where}) and run `{again}` again, or pass --dir a folder you can write"
    if cause == "full":
        return f"free some space there and run `{again}` again, or pass --dir a folder on another disk"
    return f"pass --dir a folder you can write (e.g. `{command(*words, dir=Path.home() / 'mathdl', **options)}`)"


def workbook_chapters(course: Course, chapter: Optional[str], folder: Path, verb: str, **options) -> list[Chapter]:
    """The chapter named (its module must exist), else every chapter module in the
    workbook; ``verb`` is the command to suggest again (``mathdl VERB ch2``, with
    ``options``: see suggest.command)."""
    from ..suggest import command
    from ..workbook import modules_in

    if chapter is not None:
        ch = chapter_or_exit(course, chapter, lambda near: command(verb, near.short, dir=folder, **options))
        if not (folder / ch.filename).is_file():
            raise no_module(course, ch, folder, command(verb, ch.short, dir=folder, **options))
        return [ch]
    chapters = modules_in(course, folder)
    if not chapters:
        raise no_modules(course, folder, verb)
    return chapters


def no_module(course: Course, chapter: Chapter, folder: Path, then: str) -> Exit:
    """The usage error for a chapter module missing from the workbook: a file
    defining its functions under another name is to be renamed (then ``then``);
    otherwise the module is to be made with ``mathdl new``."""
    from ..suggest import command
    from ..workbook import lookalike

    near = lookalike(course, folder, chapter)
    if near is not None:
        return fail(f"there is no {chapter.filename} in {folder.resolve()}, but {near.name} defines its functions: the module must have exactly that name",
                    rename_step(near, folder, chapter, then))
    return fail(f"there is no {chapter.filename} in {folder.resolve()}", command("new", chapter.short, dir=folder))


def rename_step(near: Path, folder: Path, chapter: Chapter, then: str) -> str:
    """``mv NEAR FOLDER/chNN_<slug>.py && THEN``: the fix for a module saved under another name."""
    import shlex

    return f"mv {shlex.quote(str(near))} {shlex.quote(str(folder / chapter.filename))} && {then}"


def exercise_named(course: Course, name: str) -> Exercise | None:
    """The exercise ``name`` names exactly, or None."""
    try:
        return course.exercise(name)
    except LookupFailed:
        return None


def no_modules(course: Course, folder: Path, verb: str) -> Exit:
    """The usage error for a workbook without chapter modules: a file defining a
    chapter's functions under another name is to be renamed; else ``mathdl new``."""
    from ..names import nearest_folder
    from ..suggest import command
    from ..workbook import any_lookalike

    if not folder.is_dir():  # a mistyped --dir
        close = nearest_folder(folder)
        return fail(f"there is no folder {folder.resolve()}", command(verb, dir=close) if close else command("new", "ch2", dir=folder))
    found = any_lookalike(course, folder)
    if found is not None:
        return no_module(course, found[0], folder, command(verb, found[0].short, dir=folder))
    return fail(f"no chapter modules (chNN_<slug>.py) in {folder.resolve()}",
                command("new", "ch2", dir=folder) + ("   (or pass --dir to point at your workbook)" if folder == Path(".") else ""))
