"""The new user's set-up, built for real: as root, a venv under /tmp whose base
interpreter lives under a 0700 folder (pyenv or conda as root). Children that
drop to ``nobody`` by path cannot read that standard library: every capability
must be decided by a probe that starts a child, and a child that cannot start
is a grader error (never a silent zero)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from support import course, reference_source

ROOT = Path(__file__).resolve().parents[2]
CH2 = course.chapter("ch2")

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="the set-up is root's (a lab server, a container)")


def _closed(path: Path) -> bool:
    return any(not (p.stat().st_mode & 0o001) for p in [path, *path.parents])


def _base_under_closed_folder(scratch: Path) -> Path:
    """This interpreter if it already lives under a folder others cannot walk
    through, else a copy of it (the standard library without site-packages) in one."""
    real = Path(os.path.realpath(sys._base_executable))
    if _closed(Path(os.path.realpath(sys.base_prefix))):
        return real
    closed = scratch / "home"
    closed.mkdir(mode=0o700)
    inst = closed / "python"
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    ignore = shutil.ignore_patterns("site-packages", "test", "idlelib", "tkinter", "turtledemo")
    shutil.copytree(stdlib, inst / "lib" / stdlib.name, ignore=ignore, symlinks=True)
    (inst / "bin").mkdir()
    shutil.copy2(real, inst / "bin" / real.name)
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        library = Path(sysconfig.get_config_var("LIBDIR")) / sysconfig.get_config_var("LDLIBRARY")
        shutil.copy2(library, inst / "lib" / library.name)
    os.chmod(closed, 0o700)
    return inst / "bin" / real.name


@pytest.fixture(scope="module")
def venv():
    scratch = Path(tempfile.mkdtemp(prefix="mathdl-newuser-", dir="/tmp"))
    os.chmod(scratch, 0o755)  # like /tmp/venv: anyone may walk to the venv
    try:
        base = _base_under_closed_folder(scratch)
        assert _closed(base.parent)
        env_dir = scratch / "venv"
        subprocess.run([str(base), "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=300)
        python = env_dir / "bin" / "python"
        site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip())
        # the dependencies come from this interpreter's site-packages (no network here)
        import site as host_site

        (site / "host-packages.pth").write_text("\n".join(host_site.getsitepackages()) + "\n")
        # the project, installed (its wheel: students' files only; the instructor points MATHDL_COURSE at the course)
        res = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-build-isolation", str(ROOT)],
                             capture_output=True, text=True, timeout=600, env=_env())
        assert res.returncode == 0, res.stderr[-2000:]
        yield python, scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATHDL_", "PYTHON"))}
    return {**env, **extra}


def _mathdl(python: Path, *args, cwd: Path, **env):
    installed = subprocess.run([str(python), "-c", "import mathdl_cli; print(mathdl_cli.__file__)"], capture_output=True, text=True, cwd=cwd, env=_env())
    assert installed.stdout.startswith(str(python.parent.parent)), installed  # the venv's copy of mathdl runs
    return subprocess.run([str(python), "-m", "mathdl_cli", *map(str, args)], capture_output=True, text=True, timeout=900, cwd=cwd, env=_env(**env))


def test_check_reports_the_stubs_as_not_started(venv, tmp_path):
    python, _ = venv
    assert _mathdl(python, "new", "ch2", "--dir", tmp_path / "wb", cwd=tmp_path).returncode == 0
    res = _mathdl(python, "check", "ch2", "--dir", tmp_path / "wb", "--json", cwd=tmp_path)
    assert res.returncode == 1, res.stderr[-2000:]
    report = json.loads(res.stdout)
    assert {ex["status"] for ex in report["exercises"]} == {"not_started"}, [ex["checks"][0]["message"] for ex in report["exercises"]]
    # the text a student reads: every suggestion names the workbook, and works from another folder
    res = _mathdl(python, "check", "ch2", "--dir", tmp_path / "wb", cwd=tmp_path)
    assert res.returncode == 1 and f"mathdl check ch2 least_squares --dir {tmp_path / 'wb'}" in res.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    res = _mathdl(python, "hint", "ch02.least_squares", "--dir", tmp_path / "wb", cwd=elsewhere)
    assert res.returncode == 0 and (tmp_path / "wb" / ".mathdl" / "hints.json").is_file() and not (elsewhere / ".mathdl").exists()


def _grade(python: Path, base: Path, *extra, **env):
    subs = base / "subs"
    if not subs.exists():
        (subs / "ada").mkdir(parents=True)
        (subs / "ada" / CH2.filename).write_text(reference_source(course, CH2))
    res = _mathdl(python, "grade", subs, "--out", base / "out", "--json", "--secret", "s", *extra, cwd=base, MATHDL_COURSE=str(ROOT), **env)
    doc = json.loads(res.stdout) if res.stdout.strip().startswith("{") else {}
    records = [json.loads(line) for line in (base / "out" / "results.jsonl").read_text().splitlines()] if (base / "out" / "results.jsonl").exists() else []
    return res, doc, records


@pytest.mark.parametrize("mode", ["auto", "namespaces"])
def test_grade_gives_a_correct_submission_full_marks(venv, tmp_path, mode):
    python, _ = venv
    res, doc, records = _grade(python, tmp_path, **({} if mode == "auto" else {"MATHDL_ISOLATION": mode}))
    assert res.returncode == 0, res.stderr[-3000:]
    [ada] = doc["students"]
    assert {k: ada[k] for k in ("student", "score", "max_score", "status", "missing")} == {"student": "ada", "score": 16.0, "max_score": 16.0, "status": "passed", "missing": []}
    assert doc["isolation"] and doc["isolation"][0] in ("bwrap", "namespaces")


def test_the_probe_does_not_drop_to_a_user_that_cannot_start_python(venv, tmp_path):
    """Forced to a plain process, the probe finds that ``nobody`` cannot read this
    standard library and keeps the grader's user (the old guess dropped to nobody)."""
    python, _ = venv
    res, doc, _ = _grade(python, tmp_path, "--allow-weak-isolation", MATHDL_ISOLATION="process")
    assert res.returncode == 0, res.stderr[-3000:]
    assert doc["isolation"] == ["process"] and doc["students"][0]["score"] == 16.0


def test_a_child_that_cannot_start_is_a_grader_error_and_is_regraded(venv, tmp_path):
    """The isolation handed to the workers is wrong (namespaces without an
    unprivileged user to map the child to, which the child refuses to start
    as): every child fails to start. That is an internal error, never the
    student's zero, ``mathdl grade`` exits 1 and says so, and the next run
    regrades the submission."""
    python, _ = venv
    broken = {"MATHDL_ISOLATION": "namespaces", "MATHDL_ISOLATION_PROBED": json.dumps({"mode": "namespaces", "drop": None})}
    res, doc, records = _grade(python, tmp_path, **broken)
    assert res.returncode == 1, res.stderr[-3000:]
    assert "grader error" in res.stderr and doc["internal_errors"] == ["ada"]
    record = records[-1]
    assert record["status"] == "internal_error" and record["score"] == 0.0
    messages = [c["message"] for ex in record["exercises"] for c in ex["checks"] if c["status"] == "internal_error"]
    assert messages and all("could not start" in m and "map to host root" in m for m in messages), messages[:2]
    # fixed (the probe decides again): the same command regrades the submission
    res, doc, records = _grade(python, tmp_path, MATHDL_ISOLATION="namespaces")
    assert res.returncode == 0 and doc["graded_now"] == 1 and doc["students"][0]["score"] == 16.0
