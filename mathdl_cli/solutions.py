"""Instructor-only material: reference modules and mutants (known-wrong variants).

``solutions_private/chNN_<slug>.py`` holds the reference implementation of a
chapter. ``solutions_private/mutants/chNN_<slug>/<exercise>__<bug>.py`` holds
one known student bug: it redefines one or more of the chapter's functions and
its docstring says which mistake it makes. A mutant module is the reference
with the mutant's definitions appended, so it differs from the reference only
by that bug. Nothing here is ever shipped to students.
"""

from __future__ import annotations

import ast
import os
import re
import types
from dataclasses import dataclass
from pathlib import Path

from .catalog import Chapter, Course


class MissingSolutions(Exception):
    """The course has no solutions_private (a student installation)."""


@dataclass(frozen=True)
class Mutant:
    chapter: Chapter
    exercise: str  # short id
    name: str
    path: Path
    description: str

    @property
    def id(self) -> str:
        return f"ch{self.chapter.number:02d}.{self.exercise}/{self.name}"


def reference_path(course: Course, chapter: Chapter) -> Path:
    if not course.has_solutions:
        raise MissingSolutions(
            "this installation has no solutions_private/ folder: reference and mutant checks "
            "are for instructors working from the course repository"
        )
    return course.solutions_dir / chapter.filename


def join_sources(*parts: str) -> str:
    """Concatenate module sources, hoisting ``from __future__`` imports to the
    top, where Python requires them."""
    future, body = [], []
    for part in parts:
        for line in part.splitlines():
            (future if line.startswith("from __future__ import") else body).append(line)
        body.append("")
    return "\n".join(dict.fromkeys(future)) + ("\n" if future else "") + "\n".join(body)


INCLUDE = re.compile(r"^# mathdl-include: (\S+)$", re.M)


def reference_source(course: Course, chapter: Chapter) -> str:
    """Provided helpers followed by the reference implementation.

    A line ``# mathdl-include: _provided/<name>.py`` in a reference is replaced by
    that file of exercises/: chapter 5's reference is the helper later chapters
    give students, kept in one place."""
    path = reference_path(course, chapter)
    key = (str(path), chapter.module)
    cached = _sources.get(key)
    if cached is not None and cached[0] == _stamps(cached[0]):  # read once per process, again only if a file changed
        return cached[1]
    if not path.exists():
        raise MissingSolutions(f"no reference module {path}")
    included: list[Path] = []

    def include(m: re.Match) -> str:
        included.append(course.exercises_dir / m.group(1))
        return included[-1].read_text(encoding="utf-8")

    source = INCLUDE.sub(include, path.read_text(encoding="utf-8"))
    joined = join_sources("\n".join(chapter.imports), chapter.provided, source)
    _sources[key] = (_stamps(tuple((str(p), None) for p in (path, *included))), joined)
    return joined


_sources: dict[tuple[str, str], tuple[tuple, str]] = {}


def _stamps(files: tuple) -> tuple:
    """(path, modification time and size) of each file: a cheap test that none changed."""
    out = []
    for name, _ in files:
        try:
            st = os.stat(name)
            out.append((name, (st.st_mtime_ns, st.st_size)))
        except OSError:
            out.append((name, None))
    return tuple(out)


def mutants(course: Course, chapter: Chapter) -> list[Mutant]:
    folder = course.solutions_dir / "mutants" / chapter.module
    found = []
    for path in sorted(folder.glob("*__*.py")):
        exercise, _, name = path.stem.partition("__")
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        found.append(Mutant(chapter, exercise, name, path, doc.strip().splitlines()[0] if doc.strip() else ""))
    return found


def mutant_source(course: Course, mutant: Mutant) -> str:
    return join_sources(reference_source(course, mutant.chapter), "# ---- mutant: " + mutant.id, mutant.path.read_text(encoding="utf-8"))


def load_module(name: str, source: str, filename: str = "<reference>") -> types.ModuleType:
    """Execute trusted source (a reference) as a module in this process."""
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - trusted course code
    return module


_loaded: dict[tuple[str, str], types.ModuleType] = {}


def load_reference(course: Course, chapter: Chapter) -> types.ModuleType:
    """The chapter's reference module, executed once per process and source text."""
    source = reference_source(course, chapter)
    key = (str(reference_path(course, chapter)), source)
    module = _loaded.get(key)
    if module is None:
        module = _loaded[key] = load_module(f"reference_{chapter.module}", source, key[0])
    return module
