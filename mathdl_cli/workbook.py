"""The student's workbook folder: chapter modules and a little progress state.

State lives in ``<workbook>/.mathdl/``: ``progress.json`` (the last result of
each exercise, and the notebook it came from when it was checked in one) and ``hints.json`` (how many hints of each exercise were shown).
State is a convenience: losing it never loses work. A folder it cannot be
written to (read-only) is :class:`NotWritable`: the commands that must write
(``new``, ``hint``) stop with one line; ``check`` says its progress was not saved.
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .catalog import Chapter, Course, Exercise
from .results import Report
from .stubs import stub_source

STATE_DIR = ".mathdl"


class NotWritable(Exception):
    """The workbook folder (or its state) cannot be written: one line for the user.
    ``cause``: "read-only", "full" (no space or quota), "missing" (a folder on the
    path does not exist and cannot be made) or "other": the advice follows it."""

    def __init__(self, message: str, cause: str = "other"):
        super().__init__(message)
        self.cause = cause


_READ_ONLY, _FULL = ("read-only", " (is the folder read-only?)"), ("full", " (the disk, or your quota on it, is full)")
_CAUSES = {errno.EACCES: _READ_ONLY, errno.EPERM: _READ_ONLY, errno.EROFS: _READ_ONLY, errno.ENOSPC: _FULL, errno.EDQUOT: _FULL,
           errno.ENOENT: ("missing", " (a folder on that path does not exist and cannot be made there)"),
           errno.ENOTDIR: ("missing", " (part of that path is a file, not a folder)")}


def _not_writable(path: Path, exc: OSError) -> NotWritable:
    cause, why = _CAUSES.get(exc.errno, ("other", ""))
    return NotWritable(f"cannot write {path}: {exc.strerror or exc}{why}", cause)


@dataclass
class Scaffold:
    path: Path
    created: bool
    backup: Path | None = None


def scaffold(chapter: Chapter, folder: Path, force: bool = False) -> Scaffold:
    """Write the chapter's stub module; never overwrite without keeping a backup."""
    path = folder / chapter.filename
    if path.exists() and not force:
        return Scaffold(path, created=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # the new file is written first: a folder that refuses it never loses the student's file
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(stub_source(chapter), encoding="utf-8")
    except OSError as exc:
        raise _not_writable(folder, exc) from None
    backup = None
    if path.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.bak-{stamp}")
        n = 1
        while backup.exists():
            backup = path.with_name(f"{path.name}.bak-{stamp}-{n}")
            n += 1
        try:
            os.link(path, backup)  # the old file stays in place until the new one replaces it
        except OSError:
            shutil.copy2(path, backup)
    os.replace(tmp, path)
    return Scaffold(path, created=True, backup=backup)


def modules_in(course: Course, folder: Path) -> list[Chapter]:
    """Chapters whose module exists in the workbook, in chapter order."""
    return [course.load(n) for n, name in course.module_names().items() if (folder / f"{name}.py").is_file()]


def folders_holding(folder: Path, filename: str, limit: int = 200, depth: int = 2, skip: set[Path] = frozenset()) -> list[Path]:
    """Sub-folders of ``folder`` that hold ``filename``: where a student who forgot
    --dir keeps the module. The nearest level that has one wins (a sub-folder, else
    a sub-folder's sub-folder); hidden folders, virtual environments and the folders
    of ``skip`` (resolved paths: the course's own) are neither named nor searched, and
    at most ``limit`` entries of each folder are looked at. The paths are relative to
    ``folder`` when it is ".", else under it."""
    level = [folder]
    for _ in range(depth):
        found, deeper = [], []
        for parent in level:
            for sub in _sub_folders(parent, limit):
                if skip and sub.resolve() in skip:
                    continue
                if (sub / filename).is_file():
                    found.append(sub)
                deeper.append(sub)
        if found:
            return sorted(found)
        level = deeper[:limit]
    return []


def _sub_folders(folder: Path, limit: int) -> list[Path]:
    out = []
    try:
        with os.scandir(folder) as entries:
            for i, entry in enumerate(entries):
                if i >= limit:
                    break
                if entry.name.startswith(".") or entry.name == "__pycache__" or not entry.is_dir(follow_symlinks=False):
                    continue
                if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):  # a virtual environment
                    continue
                out.append(folder / entry.name)
    except OSError:
        pass
    return out


def _defined_functions(course: Course, folder: Path, limit: int = 200, max_bytes: int = 1 << 20) -> dict[Path, set[str]]:
    """The top-level functions each ``.py`` file of ``folder`` defines (at most ``limit``
    entries looked at, ``max_bytes`` read of each); chapter modules themselves are left out."""
    import re

    modules = {f"{name}.py" for name in course.module_names().values()}
    defined = re.compile(rb"^def\s+(\w+)\s*\(", re.MULTILINE)
    found: dict[Path, set[str]] = {}
    try:
        with os.scandir(folder) as entries:
            for i, entry in enumerate(entries):
                if i >= limit:
                    break
                if not entry.name.endswith(".py") or entry.name in modules or not entry.is_file(follow_symlinks=False):
                    continue
                try:
                    with open(entry.path, "rb") as fh:
                        found[Path(entry.path)] = {m.decode() for m in defined.findall(fh.read(max_bytes))}
                except OSError:
                    continue
    except OSError:
        return {}
    return found


def _best_file(defined: dict[Path, set[str]], chapter: Chapter) -> Path | None:
    names = {f.name for ex in chapter.exercises for f in ex.functions}
    best, most = None, 0
    for path in sorted(defined):
        if len(defined[path] & names) > most:
            best, most = path, len(defined[path] & names)
    return best


def lookalike(course: Course, folder: Path, chapter: Chapter) -> Path | None:
    """A ``.py`` file of ``folder`` that is probably ``chapter``'s module under another
    name (``ch2.py``, ``linear regression.py``): the one defining the most of the
    chapter's functions, if any. Other chapters' modules are never taken."""
    return _best_file(_defined_functions(course, folder), chapter)


def any_lookalike(course: Course, folder: Path) -> tuple[Chapter, Path] | None:
    """The first chapter (in order) whose module sits in ``folder`` under another name, and that file."""
    defined = _defined_functions(course, folder)  # the folder is read once, whatever the number of chapters
    if not defined:
        return None
    for chapter in course.chapters:
        found = _best_file(defined, chapter)
        if found is not None:
            return chapter, found
    return None


def _state_file(folder: Path, name: str) -> Path:
    return folder / STATE_DIR / name


def _read(folder: Path, name: str) -> dict:
    try:
        data = json.loads(_state_file(folder, name).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(folder: Path, name: str, data: dict) -> None:
    path = _state_file(folder, name)
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise _not_writable(path.parent, exc) from None


def progress(folder: Path) -> dict[str, dict]:
    """The last result of each exercise checked in this workbook: ``{id: {"status",
    "score", "max_score", "checked"}}``. An entry of another shape (the file edited
    by hand, or a version-control merge left in it) is left out, as if never checked."""
    found = {}
    for key, entry in _read(folder, "progress.json").items():
        if not isinstance(entry, dict) or not isinstance(entry.get("status"), str):
            continue
        score, top, checked = entry.get("score", 0), entry.get("max_score", 0), entry.get("checked")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (score, top)):
            continue
        found[key] = {"status": entry["status"], "score": float(score), "max_score": float(top), "checked": checked if isinstance(checked, str) else None}
        if isinstance(entry.get("notebook"), str):
            found[key]["notebook"] = entry["notebook"]
    return found


def save_progress(folder: Path, report: Report, notebook: str | None = None) -> None:
    """Record the report's results in ``folder``; ``notebook``: the notebook they came
    from (its file name in ``folder``, or "" for a Jupyter kernel's cells), None for
    the chapter module."""
    data = progress(folder)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for ex in report.exercises:
        data[ex.id] = {"status": ex.status, "score": ex.score, "max_score": ex.max_score, "checked": now}
        if notebook is not None:
            data[ex.id]["notebook"] = notebook
    _write(folder, "progress.json", data)


def next_hint(folder: Path, exercise: Exercise) -> tuple[int, list[str]]:
    """Reveal one more hint; return (how many are now shown, the shown hints)."""
    data = _read(folder, "hints.json")
    before = data.get(exercise.id, 0)
    before = before if isinstance(before, int) and not isinstance(before, bool) and before > 0 else 0  # a hand-edited file: from the first
    shown = min(before + 1, len(exercise.hints))
    data[exercise.id] = shown
    _write(folder, "hints.json", data)
    return shown, exercise.hints[:shown]
