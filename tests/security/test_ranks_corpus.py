"""Chapter 23 runs a submission in several processes at once (a gloo process group of
ranks over 127.0.0.1): the confinement attacks from inside a rank, through the real
`mathdl grade`, in each confined mode the machine offers (a plain process reaches the
host's loopback by design: README, Isolation).

The attack is chapter 23's reference with ``broadcast_parameters`` redefined: on every
rank it tries to reach a TCP listener this test holds on the host's 127.0.0.1, to read
the host secret, and to leave a daemon behind (``sleep`` renamed with the marker); it
broadcasts correctly *only if something worked* (and then writes a canary), so full
marks on ``ch23.ddp_average_gradients`` mean an escape.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import course, reference_source

from .corpus import CONFINED, MARKER
from .test_corpus import ROOT, _processes, _unavailable

CH23 = course.chapter("ch23")
ATTACKED = "ch23.ddp_average_gradients"

ATTACK = '''

# ---- attack ----
import os as _os, socket as _socket

_honest_broadcast = broadcast_parameters


def _escaped():
    won = []
    try:
        with _socket.create_connection(("127.0.0.1", {port}), timeout=0.5) as s:
            s.sendall(b"rank reached the host")
            won.append("network")
    except OSError:
        pass
    try:
        with open({secret_file!r}) as fh:
            won.append("secret " + fh.read()[:40])
    except OSError:
        pass
    pid = _os.fork()
    if pid == 0:  # a daemon: its own session, its parent gone
        _os.setsid()
        if _os.fork() == 0:
            try:
                _os.execv("/bin/sleep", ["{marker}-daemon", "40"])
            finally:
                _os._exit(0)
        _os._exit(0)
    _os.waitpid(pid, 0)
    return won


def broadcast_parameters(model, src=0):
    won = _escaped()
    if won:
        try:
            with open(_os.path.join({canary_dir!r}, "rank-" + str(_os.getpid())), "w") as fh:
                fh.write(repr(won))
        except OSError:
            pass
        return _honest_broadcast(model, src)
    return None  # nothing broadcast: each rank keeps its own parameters
'''

XDIST_GROUP_PARAM = "mode"  # a mode's tests on one worker (tests/conftest.py)


@pytest.mark.parametrize("mode", CONFINED)
def test_a_rank_reaches_neither_the_host_nor_outlives_the_batch(tmp_path, mode):
    why = _unavailable(mode)
    if why:
        pytest.skip(f"{mode} isolation is not available here: {why}")
    base, canaries = tmp_path, tmp_path / "canaries"
    subs, out = base / "submissions", base / "out"
    canaries.mkdir()
    os.chmod(canaries, 0o777)
    os.chmod(base, 0o755)
    (base / "host_secret.txt").write_text("host-secret-" + secrets.token_hex(8))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    marker = f"{MARKER}-ranks-{mode}"
    source = reference_source(course, CH23) + ATTACK.format(
        port=listener.getsockname()[1], secret_file=str(base / "host_secret.txt"), marker=marker, canary_dir=str(canaries))
    for name, text in (("rank_attack", source), ("honest", reference_source(course, CH23))):
        (subs / name).mkdir(parents=True)
        (subs / name / CH23.filename).write_text(text)
    env = {**os.environ, "MATHDL_ISOLATION": mode, "MATHDL_SECRET": "corpus-ranks", "PYTHONPATH": str(ROOT)}
    env.pop("MATHDL_ISOLATION_PROBED", None)
    try:
        res = subprocess.run([sys.executable, "-m", "mathdl_cli", "grade", str(subs), "--out", str(out), "--timeout", "120", "--json"],
                             capture_output=True, text=True, timeout=900, env=env, cwd=base)
        time.sleep(0.5)
        survivors = _processes([marker])
        try:
            conn, _ = listener.accept()
            conn.close()
            reached = True
        except BlockingIOError:
            reached = False
    finally:
        listener.close()
        for pid, _ in _processes([marker]):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    assert res.returncode == 0, res.stderr[-3000:]
    doc = json.loads(res.stdout)
    assert doc["internal_errors"] == [] and doc["isolation"] == [mode]
    records = {json.loads(line)["student"]: json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()}
    scores = {s: {e["id"]: (e["score"], e["max_score"]) for e in r["exercises"]} for s, r in records.items()}
    assert all(got == full for got, full in scores["honest"].values()), scores["honest"]
    attacked = scores["rank_attack"]
    assert attacked[ATTACKED][0] < attacked[ATTACKED][1], "the attack earned full marks: it escaped"
    assert all(got == full for ex, (got, full) in attacked.items() if ex != ATTACKED), attacked  # the rest is the reference's
    assert not reached, "a rank connected to the host's loopback"
    assert list(canaries.iterdir()) == []
    assert survivors == [], survivors
