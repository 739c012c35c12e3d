"""``mathdl gradescope``: the autograder zip for a Gradescope programming assignment.

Layout of ``autograder.zip`` (Gradescope unpacks it into ``/autograder/source``
and runs ``setup.sh`` once, as root, when it builds the image; it copies
``run_autograder`` to ``/autograder/run_autograder`` and runs it for every
submission):

    setup.sh, run_autograder          from autograder_files/
    mathdl/mathdl-<version>-*.whl     the student wheel, built by the project's
                                      build backend (never holds solutions_private)
    mathdl/config.json                chapters, limits, hidden-check visibility
    mathdl/secret                     the course secret (hidden cases per student)
    mathdl/course/exercises/, graders/   the chapters' metadata and checks
    mathdl/course/solutions_private/chNN_<slug>.py   the references of the chapters
                                      packed, and nothing else of solutions_private

The zip is deterministic for the same inputs (entries sorted, fixed times).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .batch.outputs import VISIBILITIES
from .catalog import Chapter, Course
from .defaults import GRADED_MEMORY_MB
from .solutions import reference_path

SCRIPTS = Path(__file__).parent / "autograder_files"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_SKIP = ("__pycache__", ".pytest_cache")


class PackError(Exception):
    """The autograder cannot be built; the message says why and what to do."""


@dataclass
class PackOptions:
    secret: str
    hidden_visibility: str = "after_published"
    timeout: float = 300.0
    memory_mb: int = GRADED_MEMORY_MB


def build_wheel(course: Course, into: Path) -> Path:
    """The student wheel, built with the project's build backend (hatchling,
    from pyproject.toml), checked to hold no solutions."""
    if not (course.root / "pyproject.toml").is_file():
        raise PackError(f"{course.root} is not the course repository (no pyproject.toml): the wheel is built from it")
    code = "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))"
    res = subprocess.run([sys.executable, "-c", code, str(into)], cwd=course.root, capture_output=True, text=True,
                         encoding="utf-8", errors="replace", timeout=600)
    if res.returncode != 0:
        raise PackError(f"the wheel could not be built (is hatchling installed? pip install hatchling):\n{res.stderr[-2000:]}")
    wheel = into / res.stdout.strip().splitlines()[-1]
    check_wheel(wheel)
    return wheel


def check_wheel(wheel: Path) -> None:
    try:
        names = zipfile.ZipFile(wheel).namelist()
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackError(f"{wheel} is not a wheel: {exc}") from None
    leaked = [n for n in names if "solutions_private" in n or "/mutants/" in n]
    if leaked:
        raise PackError(f"{wheel.name} holds instructor-only files ({leaked[0]}, ...): build it from a clean checkout")
    if not any(n.startswith("mathdl_cli/") for n in names):
        raise PackError(f"{wheel.name} is not a mathdl wheel")


def _files(folder: Path, arc: str) -> list[tuple[str, Path]]:
    return [
        (f"{arc}/{path.relative_to(folder).as_posix()}", path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part in _SKIP for part in path.parts) and path.suffix != ".pyc"
    ]


def write_zip(course: Course, chapters: list[Chapter], out_dir: Path, options: PackOptions, wheel: Path | None = None) -> Path:
    """Write ``out_dir/autograder.zip``; build the wheel unless one is given."""
    if not options.secret:
        raise PackError("no course secret: hidden cases would be predictable from the student ids")
    if options.hidden_visibility not in VISIBILITIES:
        raise PackError(f"--hidden-visibility must be one of {', '.join(VISIBILITIES)}, not {options.hidden_visibility!r}")
    if not chapters:
        raise PackError("no chapter to grade")
    references = [(f"mathdl/course/solutions_private/{ch.filename}", reference_path(course, ch)) for ch in chapters]
    missing = [str(path) for _, path in references if not path.is_file()]
    if missing:
        raise PackError(f"no reference module {missing[0]}")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mathdl-wheel-") as tmp:
        if wheel is None:
            wheel = build_wheel(course, Path(tmp))
        else:
            check_wheel(wheel)
        config = {
            "version": 1,
            "chapters": [ch.module for ch in chapters],
            "hidden_visibility": options.hidden_visibility,
            "timeout": options.timeout,
            "memory_mb": options.memory_mb,
            "wheel": wheel.name,
        }
        entries: list[tuple[str, Path | bytes, int]] = [
            ("setup.sh", SCRIPTS / "setup.sh", 0o755),
            ("run_autograder", SCRIPTS / "run_autograder", 0o755),
            (f"mathdl/{wheel.name}", wheel, 0o644),
            ("mathdl/config.json", (json.dumps(config, indent=1) + "\n").encode(), 0o644),
            ("mathdl/secret", options.secret.encode(), 0o600),
        ]
        entries += [(arc, path, 0o644) for arc, path in _files(course.exercises_dir, "mathdl/course/exercises")]
        entries += [(arc, path, 0o644) for arc, path in _files(course.graders_dir, "mathdl/course/graders")]
        entries += [(arc, path, 0o600) for arc, path in references]
        target = out_dir / "autograder.zip"
        tmp_zip = target.with_name(target.name + ".tmp")
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as zf:
            for arc, source, mode in sorted(entries, key=lambda e: e[0]):
                info = zipfile.ZipInfo(arc, date_time=_FIXED_TIME)
                info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions
                info.compress_type = zipfile.ZIP_DEFLATED
                data = source if isinstance(source, bytes) else source.read_bytes()
                zf.writestr(info, data)
        tmp_zip.replace(target)
    return target
