"""The attack corpus through the real `mathdl grade`, once per isolation mode.

Every attack of every ``tests/security/attacks_*.py`` module that the mode
must stop is written as a submission of ONE batch, next to two honest
controls, and graded by ``python -m mathdl_cli grade`` in a subprocess with
``MATHDL_ISOLATION`` forcing the mode (format and rules: ``corpus.py``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from mathdl_cli.batch.lock import LOCK
from mathdl_cli.catalog import course_root
from support import course, reference_source

from .corpus import ALL_MODES, MARKER, Attack, load_attacks

CH2 = course.chapter("ch2")
ATTACKS = load_attacks("confinement")  # the data attacks run once, in test_corpus_data.py
CONTROLS = ("honest_1", "honest_2")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    mode: str
    base: Path
    out: Path
    canary_dir: Path
    host_secret: str
    course_secret: str
    attacks: list[Attack]
    returncode: int
    stdout: str
    stderr: str
    doc: dict
    records: dict
    table: dict
    survivors: list[str]
    leftovers: list[str]
    elapsed: float


def _unavailable(mode: str) -> str | None:
    if mode == "process" and os.geteuid() != 0:
        return "a plain process stops daemons and fork bombs only with cgroups, i.e. as root (README, Isolation)"
    res = subprocess.run(
        [sys.executable, "-c", f"from mathdl_cli.sandbox import probe_isolation; probe_isolation({mode!r})"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return None if res.returncode == 0 else res.stderr.strip().splitlines()[-1][:300]


def _course_digest() -> dict[str, str]:
    """Hashes of the project's files (what no attack may change)."""
    digest = {}
    root = course_root()
    for folder in ("exercises", "graders", "solutions_private", "mathdl_cli"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def _processes(needles: list[str]) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if any(n in cmd for n in needles):
            found.append((int(entry.name), cmd[:200]))
    return found


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())


def _batch(mode: str, base: Path) -> Run:
    attacks = [a for a in ATTACKS if mode in a.modes]
    assert all(not a.grade_args for a in attacks), "attacks with their own grade arguments are not supported yet"
    subs, out, canaries, tmp = base / "submissions", base / "out", base / "canaries", base / "tmp"
    for folder in (subs, canaries, tmp):
        folder.mkdir()
    os.chmod(canaries, 0o777)
    os.chmod(base, 0o755)
    host_secret = "host-secret-" + secrets.token_hex(8)
    (base / "host_secret.txt").write_text(host_secret)
    course_secret = "corpus-secret-" + secrets.token_hex(8)
    marker = f"{MARKER}-{mode}"  # per mode: batches of other modes may run at the same time (pytest-xdist)
    values = {"canary_dir": str(canaries), "out_dir": str(out), "course_dir": str(course_root()), "marker": marker}
    for attack in attacks:
        files = {n: (d.format(**values) if attack.template and isinstance(d, str) else d) for n, d in attack.files.items()}
        folder = attack.folder or attack.name
        if attack.zip:
            with zipfile.ZipFile(subs / f"{folder}.zip", "w") as zf:
                for name, data in files.items():
                    zf.writestr(name, data)
        else:
            _write(subs / folder, files)
    for name in CONTROLS:
        _write(subs / name, {CH2.filename: reference_source(course, CH2)})
    env = {**os.environ, "MATHDL_ISOLATION": mode, "MATHDL_SECRET": course_secret, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    env.pop("MATHDL_ISOLATION_PROBED", None)
    args = [sys.executable, "-m", "mathdl_cli", "grade", str(subs), "--out", str(out), "--timeout", "60", "--memory", "768", "--json"]
    if mode == "process":
        args.append("--allow-weak-isolation")
    t0 = time.monotonic()
    res = subprocess.run(args, capture_output=True, text=True, timeout=1800, env=env, cwd=base)
    elapsed = time.monotonic() - t0
    time.sleep(0.5)
    survivors = [f"{pid} {cmd}" for pid, cmd in _processes([marker, str(base)])]
    for pid, _ in _processes([marker, str(base)]):  # leave the machine clean even when the test fails
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    doc = json.loads(res.stdout) if res.stdout.strip().startswith("{") else {}
    records = {}
    if (out / "results.jsonl").exists():
        for line in (out / "results.jsonl").read_text().splitlines():
            try:
                rec = json.loads(line)
                records[rec["student"]] = rec
            except (ValueError, KeyError, TypeError):  # not the grader's line: test_nothing_escapes fails on it
                records.setdefault("<foreign lines>", []).append(line[:200])
    table = {}
    if (out / "grades.csv").exists():
        with open(out / "grades.csv", newline="") as fh:
            table = {row["student"]: row for row in csv.DictReader(fh)}
    leftovers = [str(p) for p in tmp.rglob("*")]
    return Run(mode, base, out, canaries, host_secret, course_secret, attacks, res.returncode, res.stdout, res.stderr,
               doc, records, table, survivors, leftovers, elapsed)


# With pytest-xdist, the tests of one mode go to one worker (tests/conftest.py), so
# each mode's batch is graded once per run, and the modes' batches in parallel.
XDIST_GROUP_PARAM = "mode"

_runs: dict[str, Run] = {}
_digest: dict[str, str] = {}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The batch of a mode, graded on first use (one at a time)."""

    def get(mode: str) -> Run:
        if mode not in _runs:
            why = _unavailable(mode)
            if why:
                pytest.skip(f"{mode} isolation is not available here: {why}")
            if not _digest:
                _digest.update(_course_digest())
            _runs[mode] = _batch(mode, tmp_path_factory.mktemp(f"corpus-{mode}"))
        return _runs[mode]

    return get


def test_the_corpus_is_large_and_covers_the_issue():
    assert len(ATTACKS) >= 40, len(ATTACKS)
    names = {a.name for a in ATTACKS}
    assert len(names) == len(ATTACKS)
    classes = {a.klass for a in ATTACKS}
    for needed in ("host files via the crash log", "writing to /dev", "writing to /proc/sys", "hostname", "IPC objects left behind",
                   "reading the references", "reading another submission", "reading the secret", "killing a classmate's child",
                   "daemon left behind", "persistence across the batch", "fork bomb", "memory over several processes",
                   "disk fill", "network egress", "output", "deep folder", "setuid attempts", "ptrace of the parent"):
        assert needed in classes, needed


@pytest.mark.parametrize("mode", ALL_MODES)
def test_batch_completes_and_honest_controls_keep_full_marks(batch, mode):
    run = batch(mode)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.doc["internal_errors"] == []
    assert run.doc["submissions"] == len(run.attacks) + len(CONTROLS)
    assert [m.split("+")[0] for m in run.doc["isolation"]] in ([mode], [mode, "none (no file to run)"], ["none (no file to run)", mode])
    full = sum(ex.points for ex in CH2.exercises)
    for name in CONTROLS:
        assert float(run.table[name]["total"]) == float(run.table[name]["max_total"]) == full, run.table[name]
    assert {p.name for p in run.out.iterdir()} == {"grades.csv", "results.jsonl", "summary.md", "feedback", "gradescope", LOCK}
    assert re.fullmatch(r"pid \d+ on \S+", (run.out / LOCK).read_text())  # the run's own lock, as it wrote it


@pytest.mark.parametrize("mode", ALL_MODES)
def test_nothing_escapes(batch, mode):
    run = batch(mode)
    assert sorted(p.name for p in run.canary_dir.iterdir()) == []  # no payload escaped
    assert run.survivors == []  # no attack process, no sandbox process is left
    assert run.leftovers == []  # every folder the run made is gone
    for path in run.out.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert run.host_secret not in text and run.course_secret not in text, path
    assert "<foreign lines>" not in run.records  # results.jsonl holds the grader's lines only
    assert _course_digest() == _digest  # the project's files are untouched


def _pairs():
    return [pytest.param(mode, attack, id=f"{mode}-{attack.name}") for mode in ALL_MODES for attack in ATTACKS if mode in attack.modes]


@pytest.mark.parametrize("mode,attack", _pairs())
def test_attack_scores_zero_on_what_it_attacked(batch, mode, attack):
    run = batch(mode)
    student = attack.folder or attack.name
    row = run.table[student]
    for ex_id in attack.attacked:
        assert float(row[ex_id]) == 0.0, f"{attack.name} scored {row[ex_id]} on {ex_id} ({mode})"
    honest = attack.honest if attack.honest is not None else [
        ex.id for ch in {course.exercise(e).chapter for e in attack.attacked} for ex in ch.exercises if ex.id not in attack.attacked
    ]
    for ex_id in honest:  # the honest parts still count
        assert float(row[ex_id]) == course.exercise(ex_id).points, f"{attack.name}: {ex_id} {row[ex_id]}"
    assert run.records[student]["status"] != "internal_error"
    feedback = (run.out / "feedback" / f"{student}.md").read_text()
    assert "✗" in feedback
    if attack.verify is not None:
        attack.verify(run, attack)
