"""The data attacks (attacks_data.py) graded as one real batch by `mathdl grade`.

A minimal runner of the corpus format (corpus.py) for the attacks of this
file's sibling: every attack is a submission of one batch next to two honest
controls; the batch must complete, the controls keep full marks, each attack
scores 0 on what it attacked and full marks on what it left honest, and its
``verify`` holds. (The general runner, test_corpus.py, runs every attacks_*.py
in every isolation mode; this one runs the data attacks in the default mode.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mathdl_cli.batch.lock import LOCK

from security.attacks_data import ATTACKS, CH2, HONEST, replay_module
from security.corpus import MARKER, Attack
from security.outputs_view import BatchRun, student_of
from support import course, grade

CONTROLS = ("honest_control_1", "honest_control_2")


def _write(attack: Attack, subs: Path, fill: dict[str, str]) -> None:
    folder = attack.folder or attack.name
    if attack.raw_zip is not None:
        (subs / f"{folder}.zip").write_bytes(attack.raw_zip)
        return
    files = {
        path: (content.format(**fill) if attack.template and isinstance(content, str) else content)
        for path, content in attack.files.items()
    }
    if attack.zip:
        with zipfile.ZipFile(subs / f"{folder}.zip", "w") as zf:
            for path, content in files.items():
                zf.writestr(path, content)
        return
    for path, content in files.items():
        target = subs / folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> BatchRun:
    base = tmp_path_factory.mktemp("data-corpus")
    subs, out, canaries = base / "submissions", base / "out", base / "canaries"
    subs.mkdir()
    canaries.mkdir()
    fill = {"canary_dir": str(canaries), "out_dir": str(out), "course_dir": str(course.root), "marker": MARKER}
    for attack in ATTACKS:
        _write(attack, subs, fill)
    for name in CONTROLS:
        (subs / name).mkdir()
        (subs / name / CH2.filename).write_text(HONEST)
    res = subprocess.run(
        [sys.executable, "-m", "mathdl_cli", "grade", str(subs), "--out", str(out), "--timeout", "60", "--json"],
        capture_output=True, text=True, timeout=1200, env={**os.environ, "MATHDL_SECRET": "data-corpus-secret"},
    )
    run = BatchRun(out, res)
    run.canaries = canaries  # type: ignore[attr-defined]
    return run


def test_batch_completes_and_controls_keep_full_marks(batch):
    res = batch.process
    assert res.returncode == 0, res.stderr[-3000:]
    doc = json.loads(res.stdout)
    assert doc["submissions"] == len(ATTACKS) + len(CONTROLS) and doc["grader_errors"] == 0 and doc["warnings"] == []
    for name in CONTROLS:
        assert batch.records[name]["score"] == batch.records[name]["max_score"] == 16
    assert list(batch.canaries.iterdir()) == []
    assert {p.name for p in batch.out.iterdir()} == {"grades.csv", "results.jsonl", "summary.md", "feedback", "gradescope", LOCK}
    assert re.fullmatch(r"pid \d+ on \S+", (batch.out / LOCK).read_text())  # the run's own lock, as it wrote it


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack(batch, attack):
    record = batch.records[student_of(attack)]
    scores = {e["id"]: e["score"] for e in record["exercises"]}
    for ex in attack.attacked:
        assert scores[ex] == 0, f"{attack.name} scored {scores[ex]} on {ex}"
    honest = attack.honest if attack.honest is not None else [e for e in scores if e not in attack.attacked]
    for ex in honest:
        assert scores[ex] == course.exercise(ex).points, f"{attack.name} lost points on {ex}: {record['problems']}"
    if attack.verify is not None:
        attack.verify(batch, attack)


def test_replaying_recordings_works_only_where_they_apply():
    """The replay attack is real: it passes the public checks of student mode that
    compare with the reference (their inputs are the recorded ones); in instructor
    mode every check draws its inputs from the per-student seed, and it scores 0."""
    source = replay_module()
    student = grade("ch2", source, mode="student")
    replayed = [c for ex in student.exercises for c in ex.checks if c.status == "passed"]
    assert len(replayed) >= 5, [(ex.id, c.case, c.status) for ex in student.exercises for c in ex.checks]
    instructor = grade("ch2", source, seed=5)
    assert instructor.score == 0


# -- line forgery in the instructor's terminal through folder and file names ----------------

FORGING_NAMES = [
    "bob\n  alice: passed",  # a newline: a line of its own in the summary
    "carol\r  dave: passed",  # a carriage return: overwrites the line on a terminal
    "erin\u2028  frank: passed",  # a Unicode line separator
    "gina\x1b[2K\x1b[1Ahank",  # erase the line, move up
    "ivan\u202esdrawkcab",  # a bidi override
]


def test_names_cannot_forge_lines_of_the_terminal_summary(tmp_path):
    """A student id (its folder name) and the names of the files it holds are shown in
    grade's summary with their control characters and line breaks as escapes: one line
    per submission, nothing that moves the cursor, and names that differ only there
    read differently."""
    subs = tmp_path / "subs"
    for name in FORGING_NAMES:
        (subs / name).mkdir(parents=True)
    (subs / "jo").mkdir()
    (subs / "jo" / "ch2_linear\nregression.py").write_text(HONEST)  # misnamed, with a line break
    res = subprocess.run([sys.executable, "-m", "mathdl_cli", "grade", str(subs), "--out", str(tmp_path / "out"), "--chapter", "ch2"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "MATHDL_SECRET": "s", "COLUMNS": "400"})
    assert res.returncode == 1  # no submission holds the module: the batch warning (one line, the name escaped)
    assert "(e.g. ch2_linear\\nregression.py)" in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    lines = res.stdout.splitlines()
    problems = [line for line in lines if line.startswith("  ") and ": missing" in line]
    assert len(problems) == len(FORGING_NAMES) + 1, lines
    shown = [line.split(": missing")[0].strip() for line in problems]
    assert shown == sorted(name.encode("unicode_escape").decode("ascii") for name in [*FORGING_NAMES, "jo"])
    assert not any(line.lstrip().startswith(("alice", "dave", "frank")) for line in lines)
    jo = next(line for line in problems if line.lstrip().startswith("jo:"))
    assert "ch2_linear\\nregression.py" in jo
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", res.stdout + res.stderr)
