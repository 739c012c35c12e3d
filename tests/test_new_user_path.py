"""Issue 9, a new user's path, through real processes (`python -m mathdl_cli ...`):
every problem named, every suggestion pasteable, every mistake explained."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import course, mutant_source, mutants, reference_source, stub_source

CH2 = course.chapter("ch2")
ROOT = Path(__file__).resolve().parents[1]


def mathdl(*args, cwd=None, env=None, timeout=600):
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=environ, timeout=timeout)


# -- 1. grades.csv status vocabulary, found vs expected, a summary ---------------------------

def test_grade_names_every_submission_status(tmp_path):
    subs = tmp_path / "subs"
    sources = {
        "good": {CH2.filename: reference_source(course, CH2)},
        "stub": {CH2.filename: stub_source(CH2)},
        "syntax": {CH2.filename: stub_source(CH2) + "\ndef broken(:\n    pass\n"},
        "partial": {CH2.filename: mutant_source(course, mutants(course, CH2)[0])},
        "misnamed": {"ch2_linear_regression.py": reference_source(course, CH2)},
        "empty": {},
    }
    for student, files in sources.items():
        (subs / student).mkdir(parents=True)
        for name, text in files.items():
            (subs / student / name).write_text(text)
    out = tmp_path / "out"
    r = mathdl("grade", subs, "--out", out, "--chapter", "ch2", "--secret", "s", "--allow-weak-isolation", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    with open(out / "grades.csv", newline="") as fh:
        status = {row["student"]: row["status"] for row in csv.DictReader(fh)}
    assert status == {"good": "passed", "stub": "not_started", "syntax": "error", "partial": "partial", "misnamed": "missing", "empty": "missing"}
    assert doc["statuses"] == {"passed": 1, "partial": 1, "not_started": 1, "missing": 2, "error": 1}
    students = {s["student"]: s for s in doc["students"]}
    assert students["misnamed"]["found"] == ["ch2_linear_regression.py"]
    assert students["misnamed"]["missing"] == [CH2.filename]
    assert students["misnamed"]["closest"] == {CH2.filename: "ch2_linear_regression.py"}
    assert students["empty"]["found"] == [] and students["empty"]["missing"] == [CH2.filename]
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert {r["student"]: r["status"] for r in records} == status
    # the terminal: the same summary and one line per submission that needs a look
    r = mathdl("grade", subs, "--out", out, "--chapter", "ch2", "--secret", "s", "--allow-weak-isolation")
    assert "6 submission(s): 1 passed, 1 partial, 1 not started, 2 missing, 1 error." in r.stdout
    assert f"misnamed: missing: {CH2.filename} missing (closest: ch2_linear_regression.py)" in r.stdout
    assert f"empty: missing: {CH2.filename} missing; empty" in r.stdout
