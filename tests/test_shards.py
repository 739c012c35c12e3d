"""Grading past one machine: `mathdl grade --shard K/N` on real processes, and
`--merge` rebuilding the outputs of the whole class from the shards' stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from security.attacks_confinement import honest
from mathdl_cli.batch.shards import parse_shard, shard_of
from support import course, mutant_source, mutants, stub_source

CH2 = course.chapter("ch2")


def grade(*args):
    return subprocess.run([sys.executable, "-m", "mathdl_cli", "grade", *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "MATHDL_SECRET": "shard-secret"})


def students(out: Path) -> list[str]:
    return sorted(json.loads(line)["student"] for line in (out / "results.jsonl").read_text().splitlines() if line.strip())


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    wrong = mutants(course, CH2)
    sources = {"s01": honest(), "s02": stub_source(CH2), "s03": mutant_source(course, wrong[0]), "s04": mutant_source(course, wrong[1]),
               "s05": honest(), "s06": mutant_source(course, wrong[2]), "s07": "import numpy as np\n"}
    for student, text in sources.items():
        (base / "subs" / student).mkdir(parents=True)
        (base / "subs" / student / CH2.filename).write_text(text)
    single = grade(base / "subs", "--out", base / "single", "--json")
    assert single.returncode == 0, single.stderr[-3000:]
    return base


def test_three_shards_merge_into_the_single_run(klass):
    shards = []
    for k in range(3):
        out = klass / f"shard{k}"
        res = grade(klass / "subs", "--out", out, "--shard", f"{k}/3", "--json")
        assert res.returncode == 0, res.stderr[-3000:]
        assert json.loads(res.stdout)["shard"] == f"{k}/3"
        shards.append(out)
    every = [students(out) for out in shards]
    assert sorted(sum(every, [])) == students(klass / "single")  # disjoint, and together the class
    assert all(shard_of(s, 3) == k for k, names in enumerate(every) for s in names)
    merged = klass / "merged"
    res = grade("--merge", *shards, "--out", merged, "--json")
    assert res.returncode == 0, res.stderr[-3000:]
    assert json.loads(res.stdout)["submissions"] == 7
    assert (merged / "grades.csv").read_text() == (klass / "single" / "grades.csv").read_text()
    assert sorted(p.name for p in (merged / "feedback").iterdir()) == sorted(p.name for p in (klass / "single" / "feedback").iterdir())
    for name in ("s01", "s04"):  # the same results, graded in another run (execution times differ)
        docs = [json.loads((out / "gradescope" / name / "results.json").read_text()) for out in (merged, klass / "single")]
        assert [{k: v for k, v in d.items() if k != "execution_time"} for d in docs] == [{k: v for k, v in docs[1].items() if k != "execution_time"}] * 2


def test_the_latest_record_wins(klass):
    first, later = klass / "single", klass / "later"
    time.sleep(1.1)  # graded_at has whole seconds
    fixed = klass / "fixed"
    (fixed / "s02").mkdir(parents=True)
    (fixed / "s02" / CH2.filename).write_text(honest())
    assert grade(fixed, "--out", later).returncode == 0
    merged = klass / "merged_latest"
    for order in ((later, first), (first, later)):  # whatever the order on the command line
        res = grade("--merge", *order, "--out", merged, "--json")
        assert res.returncode == 0, res.stderr
        scores = {s["student"]: s["score"] for s in json.loads(res.stdout)["students"]}
        assert scores["s02"] == sum(ex.points for ex in CH2.exercises) and scores["s01"] == scores["s02"]
        assert len(scores) == 7 and students(merged) == sorted(scores)


def test_a_missing_store_is_a_warning(klass, tmp_path):
    res = grade("--merge", klass / "single", tmp_path / "never-ran", "--out", tmp_path / "m")
    assert res.returncode == 1 and "never-ran" in res.stderr and "did that shard run" in res.stderr
    assert (tmp_path / "m" / "grades.csv").exists()


@pytest.mark.parametrize("text", ["3/3", "-1/3", "1/0", "1", "a/b", ""])
def test_bad_shards(text):
    with pytest.raises(ValueError, match="K from 0 to N-1"):
        parse_shard(text)


def test_shard_usage_errors(klass):
    res = grade(klass / "subs", "--out", klass / "x", "--shard", "3/3")
    assert res.returncode == 2 and "K from 0 to N-1" in res.stderr
    res = grade("--merge", "--out", klass / "x")
    assert res.returncode == 2 and "--merge" in res.stderr


def test_shards_are_balanced_and_stable():
    ids = [f"student{i:04d}" for i in range(3000)]
    counts = [sum(shard_of(s, 3) == k for s in ids) for k in range(3)]
    assert all(900 < c < 1100 for c in counts), counts  # fixed ids: a binomial(3000, 1/3) is off by 100 (3.9 sd) with p ≈ 1e-4
    assert shard_of("Ada Lovelace", 7) == shard_of("Ada Lovelace", 7) and parse_shard(" 2 / 5 ") == (2, 5)
