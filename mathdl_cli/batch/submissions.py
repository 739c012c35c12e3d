"""Find the submissions to grade and read their allowed files, defensively.

A submission is a folder or a zip file named by the student id. The arguments
of ``mathdl grade`` may be submissions themselves, folders holding them, or a
Gradescope submission export (a folder with ``submission_metadata.yml``, one
``submission_<n>`` folder per submission). Only chapter modules
(``chNN_<slug>.py``) are ever read, by base name, with size limits: nothing in
a submission can choose where it is written or make the reader follow links.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Course

MAX_FILE_BYTES = 1_000_000
MAX_TOTAL_BYTES = 8_000_000
_SAFE_ID = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass
class Submission:
    student: str
    source: str  # where it came from (for the report)
    path: Path
    files: dict[str, bytes] = field(default_factory=dict)  # chapter module file name -> content
    problems: list[str] = field(default_factory=list)  # what could not be read, for the feedback

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        for problem in self.problems:
            h.update(problem.encode())
        return h.hexdigest()[:16]


def safe_id(text: str) -> str:
    """A student id usable as a file name and a CSV cell."""
    cleaned = _SAFE_ID.sub("_", text).strip("._") or "unnamed"
    return cleaned[:120]


def _is_module_dir(path: Path, names: set[str]) -> bool:
    try:
        return any(p.name in names for p in path.rglob("*.py") if not p.is_symlink())
    except OSError:
        return False


def discover(paths: list[Path], course: Course) -> list[Submission]:
    """Expand the command's arguments into submissions, sorted by student id."""
    names = {f"{name}.py" for name in course.module_names().values()}
    found: list[Submission] = []
    for path in paths:
        if path.is_file() and path.suffix.lower() == ".zip":
            found.append(Submission(safe_id(path.stem), str(path), path))
        elif path.is_dir() and (path / "submission_metadata.yml").exists():
            found += _gradescope(path)
        elif path.is_dir() and any(p.is_file() and p.name in names for p in path.iterdir()):
            found.append(Submission(safe_id(path.name), str(path), path))
        elif path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_symlink():
                    continue
                if child.is_file() and child.suffix.lower() == ".zip":
                    found.append(Submission(safe_id(child.stem), str(child), child))
                elif child.is_dir() and (child / "submission_metadata.yml").exists():
                    found += _gradescope(child)
                elif child.is_dir():
                    found.append(Submission(safe_id(child.name), str(child), child))
        else:
            raise FileNotFoundError(f"{path} is neither a folder nor a .zip file")
    seen: dict[str, int] = {}
    for sub in found:  # two submissions with one id: keep both, distinguishably
        n = seen.get(sub.student, 0)
        seen[sub.student] = n + 1
        if n:
            sub.student = f"{sub.student}~{n + 1}"
    return sorted(found, key=lambda s: s.student)


def _gradescope(folder: Path) -> list[Submission]:
    import yaml

    try:
        meta = yaml.safe_load((folder / "submission_metadata.yml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        meta = {}
    out = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()):
        info = meta.get(sub.name) if isinstance(meta, dict) else None
        student = sub.name
        if isinstance(info, dict):
            people = info.get(":submitters") or info.get("submitters") or []
            if people and isinstance(people[0], dict):
                first = people[0]
                student = str(first.get(":sid") or first.get("sid") or first.get(":email") or first.get("email") or sub.name)
        out.append(Submission(safe_id(student), str(sub), sub))
    return out


def load_files(sub: Submission, course: Course) -> None:
    """Read the submission's chapter modules into ``sub.files`` (never raises)."""
    names = {f"{name}.py" for name in course.module_names().values()}
    total = 0

    def take(name: str, data: bytes) -> None:
        nonlocal total
        if name in sub.files:
            sub.problems.append(f"{name} appears more than once; the first copy was graded")
            return
        if len(data) > MAX_FILE_BYTES:
            sub.problems.append(f"{name} is larger than {MAX_FILE_BYTES // 1000} kB and was not graded")
            return
        if total + len(data) > MAX_TOTAL_BYTES:
            sub.problems.append(f"the submission is larger than {MAX_TOTAL_BYTES // 1_000_000} MB; {name} was not graded")
            return
        total += len(data)
        sub.files[name] = data

    try:
        if sub.path.is_file():
            with zipfile.ZipFile(sub.path) as zf:
                for info in sorted(zf.infolist(), key=lambda i: (i.filename.count("/"), i.filename)):
                    base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
                    if info.is_dir() or base not in names or "__MACOSX" in info.filename:
                        continue
                    if info.file_size > MAX_FILE_BYTES:
                        sub.problems.append(f"{base} is larger than {MAX_FILE_BYTES // 1000} kB and was not graded")
                        continue
                    with zf.open(info) as fh:
                        take(base, fh.read(MAX_FILE_BYTES + 1))
        else:
            candidates = [p for p in sub.path.rglob("*.py") if p.name in names and not p.is_symlink() and p.is_file()]
            for path in sorted(candidates, key=lambda p: (len(p.parts), str(p))):
                with open(path, "rb") as fh:
                    take(path.name, fh.read(MAX_FILE_BYTES + 1))
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError, NotImplementedError) as exc:
        sub.problems.append(f"could not read {Path(sub.source).name}: {type(exc).__name__}: {exc} (re-upload it as a plain .zip or a folder)")
