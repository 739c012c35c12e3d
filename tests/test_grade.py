"""`mathdl grade` on real processes: the adversarial corpus, resumption and outputs."""

import csv
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from adversarial import ALL, MARKER, attacks, honest
from mathdl_cli.sandbox import probe_isolation
from support import course, mutant_source, mutants

CH2 = course.chapter("ch2")


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


def marker_processes() -> list[str]:
    res = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True)
    return [line for line in res.stdout.splitlines() if MARKER in line and "ps -eo" not in line]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    subs, out = base / "submissions", base / "out"
    subs.mkdir()
    corpus = attacks(str(out))
    for name, (files, _) in corpus.items():
        write_submission(subs / name, files)
    write_submission(subs / "honest_1", {CH2.filename: honest()})
    write_submission(subs / "honest_2", {CH2.filename: honest()})
    t0 = time.monotonic()
    res = grade(subs, "--out", out, "--timeout", "60", "--json", env={"MATHDL_SECRET": "corpus-secret"})
    return {"res": res, "out": out, "corpus": corpus, "elapsed": time.monotonic() - t0}


def test_batch_completes_and_honest_submissions_keep_full_marks(corpus_run):
    res, out = corpus_run["res"], corpus_run["out"]
    assert res.returncode == 0, res.stderr[-3000:]
    doc = json.loads(res.stdout)
    assert doc["submissions"] == len(corpus_run["corpus"]) + 2
    table = scores(out)
    for student in ("honest_1", "honest_2"):
        assert float(table[student]["total"]) == float(table[student]["max_total"]) == sum(ex.points for ex in CH2.exercises), table[student]


@pytest.mark.parametrize("attack", sorted(attacks("/x")))
def test_attack_scores_zero_on_what_it_attacked(corpus_run, attack):
    table = scores(corpus_run["out"])
    _, attacked = corpus_run["corpus"][attack]
    row = table[attack]
    for short in attacked:
        assert float(row[f"ch02.{short}"]) == 0.0, f"{attack} scored {row[f'ch02.{short}']} on {short}"
    for short in set(ALL) - set(attacked):  # the honest parts of the module still count
        assert float(row[f"ch02.{short}"]) == course.exercise(f"ch02.{short}").points, f"{attack}: {short}"
    feedback = (corpus_run["out"] / "feedback" / f"{attack}.md").read_text()
    assert "✗" in feedback


def test_no_attack_survives_or_writes_into_the_outputs(corpus_run):
    assert marker_processes() == []
    out = corpus_run["out"]
    assert not (out / "results.json").exists()
    for line in (out / "results.jsonl").read_text().splitlines():
        record = json.loads(line)  # every line is the grader's own
        assert record["version"] == 1 and "exercises" in record
    assert {p.name for p in out.iterdir()} == {"grades.csv", "results.jsonl", "feedback", "gradescope"}


def test_isolation_is_reported_and_hides_the_course(corpus_run):
    records = [json.loads(line) for line in (corpus_run["out"] / "results.jsonl").read_text().splitlines()]
    modes = {r["isolation"] for r in records}
    assert modes == {probe_isolation().name + ("" if probe_isolation().inside_root else "")} or all(m.startswith("process") for m in modes)
    if probe_isolation().name == "namespaces":
        search = next(r for r in records if r["student"] == "search_disk")
        ex = next(e for e in search["exercises"] if e["id"] == "ch02.least_squares")
        assert ex["score"] == 0 and all("secret" not in c["message"] for c in ex["checks"])


def test_specific_failure_messages(corpus_run):
    records = {json.loads(l)["student"]: json.loads(l) for l in (corpus_run["out"] / "results.jsonl").read_text().splitlines()}

    def first(student):
        ex = next(e for e in records[student]["exercises"] if e["id"] == "ch02.least_squares")
        return ex["checks"][0]

    assert first("syntax_error")["status"] == "error" and "SyntaxError" in first("syntax_error")["message"]
    assert first("infinite_loop")["status"] == "timeout"
    assert "sys.exit" in first("sys_exit_in_function")["message"] or "exited" in first("sys_exit_in_function")["message"]
    assert first("always_equal")["diagnostic"]["kind"] == "type"
    assert first("scalar_zero")["diagnostic"]["kind"] == "type"
    assert first("memory_bomb")["status"] == "error" and "MemoryError" in first("memory_bomb")["message"]
    assert len(first("huge_output")["output"]) < 10_000


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
