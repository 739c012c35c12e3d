"""`mathdl grade` on real processes: submissions, outputs and resumption (the
attack corpus is in tests/security)."""

import csv
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from support import course, mutant_source, mutants, reference_source

CH2 = course.chapter("ch2")


def honest() -> str:
    return reference_source(course, CH2)


def grade(*args, env=None, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "mathdl_cli", "grade", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


def write_submission(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)


def scores(out: Path) -> dict[str, dict[str, float]]:
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {row["student"]: row for row in rows}


def _gradescope_zip(base: Path) -> Path:
    export = base / "export"
    export.mkdir()
    (export / "submission_metadata.yml").write_text(
        "submission_101:\n  :submitters:\n  - :name: Ada\n    :sid: '9001'\n    :email: ada@example.edu\n"
        "submission_102:\n  :submitters:\n  - :name: Bob\n    :sid: '9002'\n"
    )
    write_submission(export / "submission_101", {CH2.filename: honest()})
    write_submission(export / "submission_102", {CH2.filename: mutant_source(course, mutants(course, CH2)[0])})
    return export


def test_zips_corrupt_zips_and_gradescope_export(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    with zipfile.ZipFile(subs / "zoe.zip", "w") as zf:
        zf.writestr(f"nested/folder/{CH2.filename}", honest())
        zf.writestr("../../escape.py", "print('never written')")
    (subs / "broken.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    export = _gradescope_zip(tmp_path)
    out = tmp_path / "out"
    res = grade(subs, export, "--out", out, "--chapter", "ch2", "--timeout", "60", "--json")
    assert res.returncode == 0, res.stderr[-2000:]
    table = scores(out)
    assert set(table) == {"zoe", "broken", "9001", "9002"}
    assert float(table["zoe"]["total"]) == 16.0 and float(table["9001"]["total"]) == 16.0
    assert float(table["broken"]["total"]) == 0.0 and float(table["9002"]["total"]) < 16.0
    note = (out / "feedback" / "broken.md").read_text()
    assert "could not read broken.zip" in note and "BadZipFile" in note
    assert not (tmp_path / "escape.py").exists()


def test_outputs_formats(tmp_path):
    subs = tmp_path / "subs"
    write_submission(subs / "s1", {CH2.filename: honest()})
    bad = next(m for m in mutants(course, CH2) if m.exercise == "ridge")
    write_submission(subs / "s2", {CH2.filename: mutant_source(course, bad)})
    out = tmp_path / "out"
    assert grade(subs, "--out", out, "--secret", "abc").returncode == 0
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["student", *[ex.id for ex in CH2.exercises], "total", "max_total", "status", "isolation"]
    assert [r[0] for r in rows[1:]] == ["s1", "s2"]
    gs = json.loads((out / "gradescope" / "s2" / "results.json").read_text())
    assert set(gs) >= {"score", "tests", "output"} and gs["score"] < 16
    assert sum(t["max_score"] for t in gs["tests"]) == pytest.approx(16.0)
    assert {t["visibility"] for t in gs["tests"]} == {"visible", "after_published"}
    assert all(set(t) >= {"name", "score", "max_score", "status", "output", "visibility"} for t in gs["tests"])
    hidden_failures = [t for t in gs["tests"] if t["visibility"] == "after_published" and t["status"] == "failed"]
    assert hidden_failures and all("\n" not in t["output"] and " vs " not in t["output"] for t in hidden_failures)
    feedback = (out / "feedback" / "s2.md").read_text()
    assert "ch02.ridge" in feedback and "(hidden)" in feedback and "first differences" in feedback
    hidden_lines = [l for l in feedback.splitlines() if "(hidden)" in l]
    for i, line in enumerate(feedback.splitlines()):
        if "(hidden)" in line and "✗" in line:
            following = feedback.splitlines()[i + 1 : i + 6]
            assert not any(" vs " in f or "first differences" in f for f in following)
    assert hidden_lines


def test_killed_run_resumes_without_regrading(tmp_path):
    subs = tmp_path / "subs"
    for i in range(8):
        write_submission(subs / f"st{i}", {CH2.filename: honest()})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "mathdl_cli", "grade", str(subs), "--out", str(out), "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    results = out / "results.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and (not results.exists() or len(results.read_text().splitlines()) < 2):
        time.sleep(0.05)
    os.killpg(proc.pid, 9)
    proc.wait()
    done_before = {json.loads(l)["student"] for l in results.read_text().splitlines() if l.strip().endswith("}")}
    assert 2 <= len(done_before) < 8
    with open(results, "a") as fh:  # what a kill in the middle of a write leaves behind
        fh.write('{"student": "st7", "score": 16, "trunc')
    res = grade(subs, "--out", out, "--json")
    assert res.returncode == 0, res.stderr[-2000:]
    doc = json.loads(res.stdout)
    assert doc["reused"] == len(done_before) and doc["graded_now"] == 8 - len(done_before)
    lines = [json.loads(l) for l in results.read_text().splitlines() if l.strip().endswith("}")]
    counts = {}
    for rec in lines:
        counts[rec["student"]] = counts.get(rec["student"], 0) + 1
    assert all(counts[s] == 1 for s in counts), counts
    assert set(scores(out)) == {f"st{i}" for i in range(8)}


def test_a_passing_grader_error_is_graded_again_before_it_is_recorded(tmp_path, monkeypatch):
    """A grader error (a child that could not start on a loaded machine, say)
    gets one more grading in the same run; one that persists is recorded as a
    grader error after exactly two attempts, and the next run regrades it."""
    from mathdl_cli.batch import runner
    from mathdl_cli.batch.submissions import discover
    from mathdl_cli.sandbox import SandboxError

    real = runner.grade_submission
    calls = []

    def flaky(sub, options):
        calls.append(sub.student)
        if sub.student == "always" or calls.count(sub.student) == 1:
            raise SandboxError("the child could not start: it did not announce itself within 60 s")
        return real(sub, options)

    monkeypatch.setattr(runner, "grade_submission", flaky)
    for student in ("once", "always"):
        write_submission(tmp_path / "subs" / student, {CH2.filename: honest()})
    subs = discover([tmp_path / "subs"], course)
    options = runner.Options(chapters=[CH2.module], secret="s", workers=1)
    summary = runner.grade_all(subs, course, options, tmp_path / "out")
    assert sorted(calls) == ["always", "always", "once", "once"]
    assert summary.records["once"]["status"] == "passed" and summary.records["once"]["score"] == summary.records["once"]["max_score"] > 0
    assert summary.records["always"]["status"] == "internal_error"
    assert "could not start" in summary.records["always"]["problems"][0]
    monkeypatch.setattr(runner, "grade_submission", real)
    again = runner.grade_all(subs, course, options, tmp_path / "out")
    assert again.reused == 1 and again.graded == 1 and again.records["always"]["status"] == "passed"


@pytest.mark.parametrize("arg,said,todo", [
    ("subz", "there is no", "did you mean"),
    ("subs/ok/" + CH2.filename, "is a single file, not a submission", "pass the folder holding the submissions"),
    ("class.tar.gz", "is not a .zip file", "unpack it, or zip it"),
    ("nothing_like_it", "there is no", "pass the folder that holds the submissions"),
])
def test_an_argument_that_is_not_a_submission_is_named_with_what_to_pass(tmp_path, arg, said, todo):
    write_submission(tmp_path / "subs" / "ok", {CH2.filename: honest()})
    (tmp_path / "class.tar.gz").write_bytes(b"\x1f\x8b")
    res = grade(tmp_path / arg, "--out", tmp_path / "out")
    assert res.returncode == 2, res.stderr
    problem, _, rest = " ".join(res.stderr.split()).partition("next:")
    assert said in problem and str(tmp_path / arg) in problem
    assert todo in rest
    if todo == "did you mean":
        assert str(tmp_path / "subs") in rest
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("chapter", ["ch2", "2", "linear_regression"])
def test_a_chapter_given_where_submissions_go_gets_the_command_with_chapter(tmp_path, chapter):
    """`mathdl grade ch2 subs --out o` (as `mathdl check ch2` reads): the answer is the same
    command with --chapter, not "there is no ch2" alone."""
    write_submission(tmp_path / "subs" / "ok", {CH2.filename: honest()})
    res = subprocess.run([sys.executable, "-m", "mathdl_cli", "grade", chapter, "subs", "--out", "out"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 2, res.stderr
    problem, _, todo = " ".join(res.stderr.split()).partition("next:")
    assert f"there is no {chapter}: a chapter is chosen with --chapter" in problem
    assert todo.strip() == "run: mathdl grade subs --chapter ch2 --out out"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("out", [".", "ok", "ok/out"])
def test_out_inside_the_submissions_is_refused_before_anything_is_written(tmp_path, out):
    """The outputs (feedback/, gradescope/) inside the submissions folder were graded as
    students on the next run, and reached the gradebook; inside a student's folder they
    mixed with the submission."""
    subs = tmp_path / "class"
    write_submission(subs / "ok", {CH2.filename: honest()})
    before = sorted(p.relative_to(subs) for p in subs.rglob("*"))
    res = grade(subs, "--out", subs / out)
    assert res.returncode == 2
    flat = " ".join(res.stderr.split())
    assert "is inside the submissions" in flat and f"--out {tmp_path / 'class-grades'}" in flat
    assert sorted(p.relative_to(subs) for p in subs.rglob("*")) == before


def test_one_run_per_out_at_a_time_and_no_merge_of_a_running_shard(tmp_path):
    """Two runs on one --out (two terminals, shards given the same folder) would grade
    everything twice and, on NFS, tear each other's lines; a merge of a shard still
    running would miss its work. The lock is the kernel's: a killed run releases it."""
    subs = tmp_path / "subs"
    for i in range(12):
        write_submission(subs / f"st{i}", {CH2.filename: honest()})
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "mathdl_cli", "grade", str(subs), "--out", str(out), "--workers", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not (out / "results.jsonl").exists():
            time.sleep(0.05)
        second = grade(subs, "--out", out)
        flat = " ".join(second.stderr.split())
        assert second.returncode == 2 and "another mathdl grade is writing to" in flat and f"pid {first.pid} on" in flat
        merged = grade("--merge", out, "--out", tmp_path / "merged")
        assert merged.returncode == 2 and "is still being graded into" in " ".join(merged.stderr.split())
        assert not (tmp_path / "merged" / "grades.csv").exists()
    finally:
        os.killpg(first.pid, 9)
        first.wait()
    again = grade(subs, "--out", out, "--json")
    assert again.returncode == 0, again.stderr[-2000:]
    assert json.loads(again.stdout)["graded_now"] + json.loads(again.stdout)["reused"] == 12
    assert grade("--merge", out, "--out", tmp_path / "merged").returncode == 0


_ORDER_SCRIPT = """
import json, sys
from pathlib import Path
from mathdl_cli.batch.outputs import exercise_columns
from mathdl_cli.batch.runner import Options, grade_submission
from mathdl_cli.batch.submissions import discover, load_files
from mathdl_cli.catalog import load_course
course = load_course()
subs = discover([Path(sys.argv[1])], course)
for sub in subs:
    load_files(sub, course)
record = grade_submission(subs[0], Options(chapters=sys.argv[2:], secret="s"))
print(json.dumps({"order": [e["id"] for e in record["exercises"]], "columns": exercise_columns(course, {"ada": record}),
                  "loaded": sorted(course._loaded)}))
"""


def test_a_worker_reads_only_the_chapters_it_grades_and_keeps_the_course_order(tmp_path):
    """Grading chapters 3 and 2 (asked in that order) reads those chapters' metadata
    only (every chapter's costs a worker about 10 ms), and the record and the
    gradebook list their exercises in course order."""
    ch3 = course.chapter("ch3")
    write_submission(tmp_path / "subs" / "ada", {CH2.filename: honest(), ch3.filename: reference_source(course, ch3)})
    res = subprocess.run([sys.executable, "-c", _ORDER_SCRIPT, str(tmp_path / "subs"), ch3.module, CH2.module],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    got = json.loads(res.stdout.splitlines()[-1])
    in_course_order = [ex.id for ex in CH2.exercises] + [ex.id for ex in ch3.exercises]
    assert got["order"] == in_course_order and got["columns"] == in_course_order
    assert got["loaded"] == [2, 3]


def test_the_pool_forks_its_workers_only_while_the_grader_has_no_other_thread():
    """A fork copies the locks other threads hold: the workers are forks of the
    grading process only while it has one thread (the usual run, --json or not at
    a terminal), else they come from a forkserver."""
    import threading

    code = "from mathdl_cli.batch.runner import _start_method; print(_start_method())"
    alone = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert alone.stdout.strip() == ("fork" if sys.platform.startswith("linux") else "forkserver"), alone.stderr
    from mathdl_cli.batch.runner import _start_method

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert _start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()
