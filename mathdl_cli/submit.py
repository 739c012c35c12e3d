"""Pack a workbook for hand-in: exactly the chapter modules the graders read,
with a manifest. ``mathdl grade`` and a Gradescope autograder take the zip as
it is (they read chapter modules by name and ignore the manifest)."""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .catalog import Chapter, Course
from .checking import SyntaxProblem, check_sources, import_failures, syntax_problem
from .provided import import_notes
from .results import Report

MANIFEST = "mathdl_manifest.json"
MANIFEST_VERSION = 1
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed entry times: the same modules give the same zip


class SubmitError(Exception):
    """The workbook cannot be packed; ``next_step`` says what to do."""

    def __init__(self, message: str, next_step: str = ""):
        super().__init__(message)
        self.next_step = next_step


@dataclass
class Packed:
    path: Path
    chapters: list[str]
    files: dict[str, str]  # module file name -> sha256
    manifest: dict
    report: Report | None = None
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"version": MANIFEST_VERSION, "kind": "mathdl.submit", "zip": str(self.path), "manifest": self.manifest, "warnings": self.problems}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_modules(folder: Path, chapters: list[Chapter]) -> dict[Chapter, bytes]:
    return {ch: (folder / ch.filename).read_bytes() for ch in chapters}


def refuse_syntax(sources: dict[Chapter, bytes]) -> None:
    problems: list[SyntaxProblem] = [p for ch, data in sources.items() if (p := syntax_problem(ch.filename, data))]
    if problems:
        raise SubmitError(
            "a module has a syntax error and would not import:\n" + "\n".join(f"  {p}" for p in problems),
            "fix the line named above, run mathdl check, then mathdl submit again",
        )


def manifest(course: Course, sources: dict[Chapter, bytes], report: Report | None) -> dict:
    doc: dict = {
        "version": MANIFEST_VERSION,
        "kind": "mathdl.submission",
        "mathdl": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "chapters": [ch.short for ch in sources],
        "files": {ch.filename: {"sha256": sha256(data), "bytes": len(data)} for ch, data in sources.items()},
    }
    if report is not None:
        doc["public_score"] = {
            "score": report.score,
            "max_score": report.max_score,
            "status": report.status,
            "exercises": {ex.id: {"status": ex.status, "score": ex.score, "max_score": ex.max_score} for ex in report.exercises},
            "note": "public checks only, run when the zip was made; the grade also counts hidden cases",
        }
    return doc


def write_zip(out: Path, sources: dict[Chapter, bytes], doc: dict, *, force: bool = False) -> None:
    """Write the zip next to its destination, then move it in place; without
    ``force`` an existing file is never replaced (even one made meanwhile)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for ch, data in sources.items():
                zf.writestr(zipfile.ZipInfo(ch.filename, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
            zf.writestr(zipfile.ZipInfo(MANIFEST, _ZIP_TIME), json.dumps(doc, indent=1, sort_keys=True) + "\n", zipfile.ZIP_DEFLATED)
        if force:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)  # fails if out exists: no overwrite, even in a race
            except FileExistsError:
                raise SubmitError(f"{out} exists already", "pass --force to replace it, or --out another file") from None
    finally:
        tmp.unlink(missing_ok=True)


def pack(course: Course, folder: Path, chapters: list[Chapter], out: Path, *, force: bool = False, check: bool = True) -> Packed:
    """Check the modules import (syntax first, then the public checks in the
    child), then write ``out``. Raises :class:`SubmitError` with what to do."""
    if out.suffix.lower() != ".zip":
        raise SubmitError(f"{out} does not end in .zip", "pass --out FILE.zip")
    if out.exists() and not force:
        raise SubmitError(f"{out} exists already", "pass --force to replace it, or --out another file")
    sources = read_modules(folder, chapters)
    refuse_syntax(sources)
    report = None
    if check:
        report = check_sources(course, sources, target=str(folder.resolve()), folder=folder)
        broken = import_failures(report)
        if broken:
            first = next(iter(broken.values()))
            raise SubmitError(f"a module would not import:\n{first}", "fix it, run mathdl check, then mathdl submit again")
    doc = manifest(course, sources, report)
    write_zip(out, sources, doc, force=force)
    problems = [note for ch, data in sources.items() for note in import_notes(ch.filename, data, folder)]  # checked or not
    return Packed(out, [ch.short for ch in chapters], {ch.filename: sha256(d) for ch, d in sources.items()}, doc, report, problems)
