"""The child process, for real, in every isolation this machine offers: results,
errors, timeouts, crashes, limits, and what each confinement promises."""

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from mathdl_cli.sandbox import IsolationUnavailable, Limits, ProcessIsolation, Sandbox, SandboxError, cgroups, fs, probe_isolation
from mathdl_cli.sandbox.box import SPIN_SECONDS
from support import live_children

MODES = ("bwrap", "namespaces", "process")


def isolation(mode):
    try:
        return probe_isolation(mode)
    except IsolationUnavailable as exc:
        pytest.skip(f"{mode} isolation is not available here: {str(exc).splitlines()[1:2]}")


# (mode, zygote): a child started from scratch, or a zygote's fork (bwrap's zygote runs in its own container)
VARIANTS = [("bwrap", False), ("bwrap", True), ("namespaces", False), ("namespaces", True), ("process", False), ("process", True)]
CONFINED = [v for v in VARIANTS if v[0] != "process"]
SPINNING = ("process", False, "spin")  # mathdl check's sandbox: both sides poll before they sleep


def variant_id(v):
    return f"{v[0]}-{'zygote' if v[1] else 'fresh'}" + ("-spin" if len(v) > 2 else "")


STUDENT = '''
import numpy as np, os, sys, time

def add(x, y):
    print("adding")
    return x + y

def divide(x):
    return helper(x)

def helper(x):
    return x / 0 if isinstance(x, int) else 1 // 0

def todo(x):
    raise NotImplementedError("not yet")

def spin(x):
    while True:
        pass

def sleepy(x):
    time.sleep(1000)

def exit_hard(x):
    os._exit(0)

def exit_soft(x):
    sys.exit(0)

class AlwaysEqual:
    def __eq__(self, other):
        return True

def liar(x):
    return AlwaysEqual()

def hog(x):
    return np.ones(int(x))  # x bytes / 8 floats

def chatty(x):
    print("y" * 10_000_000)
    return 1.0

def call_back(f, x):
    return f(x) + f(2 * x)

def bump(x):
    x += 1
    return x

def touch_last(x):
    x.reshape(-1)[-1] += 1.0  # the last byte of a long array: past every slice compared but the last
    return 0.0

def undo(x):
    x[0] += 1.0
    x[0] -= 1.0  # changed and changed back: the bytes are as they arrived
    return float(x.sum())

def swap_in(ws):
    ws[0] = ws[0].copy()  # an equal array, another object
    return 0.0

def total(x):
    return float(x.sum())

def crash_loudly(x):
    os.write(2, b"last words " + b"z" * 5000 + b" the end")
    os.abort()
'''


@pytest.fixture(scope="module", params=[*VARIANTS, SPINNING], ids=variant_id)
def box(request):
    from mathdl_cli.sandbox import box as box_module

    mode, zygote, *spin = request.param
    # the spinning variant keeps polling whatever else the machine runs (the suite runs
    # tests side by side): its tests run the polling path, not the blocking one
    contended, box_module.POLL_CONTENDED = box_module.POLL_CONTENDED, 3600.0
    try:
        sandbox = Sandbox(limits=Limits(memory_mb=1024), isolation=isolation(mode), zygote=zygote, spin=SPIN_SECONDS if spin else 0.0)
    finally:
        box_module.POLL_CONTENDED = contended  # (a sandbox keeps the value it was made with)
    with sandbox as sb:
        path = sb.add_file("student.py", STUDENT.encode())
        yield sb, path


def test_return_value_and_printed_output(box):
    sb, path = box
    reply = sb.call(path, "add", [np.ones(2), np.ones(2)], {}, timeout=10)
    assert reply.kind == "return"
    np.testing.assert_array_equal(reply.value, [2.0, 2.0])
    assert "adding" in reply.stdout


def test_exception_has_trimmed_traceback(box):
    sb, path = box
    reply = sb.call(path, "divide", [1.0], {}, timeout=10)
    assert reply.kind == "raise" and reply.type == "ZeroDivisionError"
    names = [f[2] for f in reply.frames]
    assert names == ["divide", "helper"]  # the student's frames only
    assert all(f[0] == "student.py" for f in reply.frames)


def test_not_implemented_is_flagged(box):
    sb, path = box
    reply = sb.call(path, "todo", [1], {}, timeout=10)
    assert reply.kind == "raise" and reply.not_implemented


def test_missing_function(box):
    sb, path = box
    assert sb.call(path, "nope", [], {}, timeout=10).kind == "missing"


@pytest.mark.parametrize("func", ["spin", "sleepy"])
def test_hang_is_a_timeout_and_the_next_call_works(box, func):
    sb, path = box
    reply = sb.call(path, func, [0], {}, timeout=0.5)
    assert reply.kind == "timeout"
    assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0


@pytest.mark.parametrize("func", ["exit_hard", "exit_soft"])
def test_exit_is_never_a_result(box, func):
    sb, path = box
    reply = sb.call(path, func, [0], {}, timeout=10)
    assert reply.kind in ("crashed", "raise")
    assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0


def test_crash_shows_the_end_of_the_log_from_the_parents_descriptor(box):
    sb, path = box
    reply = sb.call(path, "crash_loudly", [0], {}, timeout=10)
    assert reply.kind == "crashed" and "SIGABRT" in reply.detail
    assert reply.detail.rstrip().endswith("the end") and len(reply.detail) < 2000  # the tail, capped


def test_lying_object_is_not_data(box):
    sb, path = box
    reply = sb.call(path, "liar", [0], {}, timeout=10)
    assert reply.kind == "unencodable" and "AlwaysEqual" in reply.detail


def test_memory_limit_holds(box):
    sb, path = box
    reply = sb.call(path, "hog", [8 * 1024**3], {}, timeout=20)  # 64 GiB of floats asked for
    assert reply.kind == "raise" and reply.type == "MemoryError"


def test_output_is_capped(box):
    sb, path = box
    reply = sb.call(path, "chatty", [0], {}, timeout=20)
    assert reply.kind == "return" and len(reply.stdout) < 5000 and "more characters" in reply.stdout


def test_callbacks_run_in_the_parent(box):
    sb, path = box
    calls = []

    def f(x):
        calls.append(float(x))
        return x * 10

    reply = sb.call(path, "call_back", [f, 1.5], {}, timeout=10)
    assert reply.value == 45.0 and calls == [1.5, 3.0]


def test_in_place_changes_to_arguments_are_reported(box):
    sb, path = box
    reply = sb.call(path, "bump", [np.zeros(3)], {}, timeout=10)
    assert reply.kind == "return" and reply.mutated == ["0"]
    reply = sb.call(path, "add", [np.zeros(3), np.ones(3)], {}, timeout=10)
    assert reply.mutated == []


def test_in_place_changes_are_compared_with_the_bytes_that_arrived(box):
    """The child compares an argument after the call with the request's bytes it was
    copied from: a change anywhere in a long array counts, a change undone does not,
    and each call of a batch gets its own copy of an array passed to several."""
    sb, path = box
    long = np.arange(1_500_000, dtype=np.float64)  # 12 MB: three slices of the comparison
    assert sb.call(path, "touch_last", [long], {}, timeout=20).mutated == ["0"]
    assert long[-1] == 1_499_999  # the grader's array is its own
    reply = sb.call(path, "undo", [np.full(4, 0.5)], {}, timeout=10)
    assert reply.kind == "return" and reply.mutated == []
    reply = sb.call(path, "swap_in", [[np.ones(2), np.zeros(2)]], {}, timeout=10)
    assert reply.mutated == ["0#replaced"]
    x = np.zeros(5)
    reply = sb.call(path, "bump", [], {}, timeout=10, calls=[([x], {}), ([x], {}), ([np.ones(2)], {})])
    assert reply.mutated == [["0"], ["0"], ["0"]]
    assert [v.tolist() for v in reply.value] == [[1.0] * 5, [1.0] * 5, [2.0, 2.0]]  # the second call saw zeros too
    reply = sb.call(path, "total", [], {}, timeout=10, calls=[([x], {}), ([x.astype(np.float32)], {})])
    assert reply.value == [0.0, 0.0] and reply.mutated == [[], []]


def test_import_error_is_reported_per_module():
    with Sandbox(isolation=ProcessIsolation()) as sb:
        bad = sb.add_file("bad.py", b"def f(:\n")
        good = sb.add_file("good.py", b"def f():\n    return 1.0\n")
        reply = sb.call(bad, "f", [], {}, timeout=10)
        assert reply.kind == "import_error" and reply.type == "SyntaxError"
        assert sb.call(good, "f", [], {}, timeout=10).value == 1.0


TORCH_STUDENT = b"""
import sys
PRELOADED = "torch" in sys.modules  # before this module's own import of torch
import torch

def dg_residual(x):
    # a small torch computation: u(x) = sin(x), residual of u'' + u = 0 by autograd
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    u = torch.sin(t)
    (du,) = torch.autograd.grad(u.sum(), t, create_graph=True)
    (d2u,) = torch.autograd.grad(du.sum(), t)
    return {"preloaded": PRELOADED, "residual": (d2u + u).detach().numpy(), "du": du.detach().numpy()}
"""


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_a_torch_chapter_child_has_torch_imported_before_the_students_code(variant):
    """Chapters whose metadata says needs_torch are graded by children that import
    torch before their first call: a zygote's forks inherit it (a fork, not an import)."""
    mode, zygote = variant
    iso = isolation(mode)
    x = np.linspace(-2.0, 2.0, 7)
    with Sandbox(isolation=iso, zygote=zygote, preload=("torch",)) as sb:
        path = sb.add_file("torch_student.py", TORCH_STUDENT)
        for _ in range(2):  # the second child: a new fork of the same zygote, or a new start
            reply = sb.call(path, "dg_residual", [x], {}, timeout=120)
            assert reply.kind == "return", reply
            assert reply.value["preloaded"] is True
            np.testing.assert_allclose(reply.value["du"], np.cos(x), atol=1e-12)
            np.testing.assert_allclose(reply.value["residual"], 0.0, atol=1e-12)
            sb.kill()
        if zygote:
            from mathdl_cli.sandbox.zygote import _zygotes, zygote_key

            assert sb.forked  # a fork, not a fresh start
            key = zygote_key(("torch",), iso)
            assert key in _zygotes and _zygotes[key].alive()
    with Sandbox(isolation=iso, zygote=zygote) as sb:  # a numpy chapter's child never imports torch
        path = sb.add_file("plain.py", b"import sys\ndef has_torch():\n    return 'torch' in sys.modules\n")
        assert sb.call(path, "has_torch", [], {}, timeout=60).value is False


def test_needs_torch_in_the_metadata_selects_the_torch_children():
    from mathdl_cli.catalog import load_course, preload_for

    course = load_course()
    numpy_chapters = [ch for ch in course.chapters if not ch.needs_torch]
    assert numpy_chapters and preload_for(numpy_chapters) == ()
    torch_chapter = __import__("dataclasses").replace(numpy_chapters[0], needs_torch=True)
    assert preload_for([numpy_chapters[0], torch_chapter]) == ("torch",)


# -- what a confined child can see and do ------------------------------------------
PROBE = r'''
import ctypes, os, socket, subprocess

def attempt(fn):
    try:
        fn()
        return True
    except OSError:
        return False

def facts(hidden):
    out = {"uid": os.getuid(), "gid": os.getgid(), "hostname": socket.gethostname()}
    out["uid_map"] = open("/proc/self/uid_map").read().split()
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    out["caps"] = {k: status[k].strip() for k in ("CapEff", "CapPrm", "CapBnd")}
    out["no_new_privs"] = status["NoNewPrivs"].strip()
    out["visible"] = {p: os.path.exists(p) for p in hidden}
    out["listing"] = {p: sorted(os.listdir(p)) for p in hidden if os.path.isdir(p)}
    out["root_entries"] = sorted(os.listdir("/"))
    out["dev"] = sorted(os.listdir("/dev"))
    out["pids"] = [p for p in os.listdir("/proc") if p.isdigit()]
    out["writes"] = {p: attempt(lambda p=p: open(p, "w").close()) for p in
                     ["/usr/mathdl-x", "/etc/mathdl-x", "/dev/mathdl-x", "/mathdl-x", "/proc/sys/kernel/hostname",
                      "/proc/sys/kernel/core_pattern", "/submission/mathdl-x", "/run/mathdl/child.py", "/tmp/mathdl-x"]}
    out["sethostname"] = attempt(lambda: socket.sethostname("evil"))
    libc = ctypes.CDLL(None, use_errno=True)
    out["new_userns"] = libc.unshare(0x10000000) == 0
    out["setuid0"] = attempt(lambda: os.setuid(0))
    with socket.socket() as s:
        s.settimeout(2)
        out["egress"] = s.connect_ex(("1.1.1.1", 80)) == 0
    with socket.socket() as server, socket.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen()
        out["loopback"] = client.connect_ex(server.getsockname()) == 0
    chunk = b"x" * (1 << 20)
    written = 0
    try:
        with open("/tmp/fill", "wb") as fh:
            for _ in range(200):
                fh.write(chunk)
                fh.flush()
                written += 1
    except OSError:
        pass
    os.unlink("/tmp/fill")
    out["scratch_mb_written"] = written
    return out
'''


@pytest.mark.parametrize("variant", CONFINED, ids=variant_id)
def test_confined_child_keeps_every_promise(variant, tmp_path):
    from mathdl_cli.catalog import course_root

    from mathdl_cli.sandbox.view import interpreter_paths

    mode, zygote = variant
    shown = interpreter_paths()  # these (and the folders leading to them) are shown on purpose
    home = [str(p) for p in Path.home().iterdir() if not any(s == str(p) or s.startswith(f"{p}/") for s in shown)][:20]
    hidden = [str(course_root()), str(fs.private_base()), "/home", "/work", "/var", "/sys", str(tmp_path), *home]
    with Sandbox(isolation=isolation(mode), zygote=zygote, limits=Limits(scratch_mb=32, file_mb=None)) as sb:
        path = sb.add_file("probe.py", PROBE.encode())
        reply = sb.call(path, "facts", [hidden], {}, timeout=60)
    assert reply.kind == "return", (reply.kind, reply.message, reply.detail)
    facts = reply.value
    assert facts["uid"] == facts["gid"] == 1000
    assert facts["uid_map"][:1] == ["1000"] and facts["uid_map"][1] != "0"  # never host root
    assert set(facts["caps"].values()) == {"0000000000000000"} and facts["no_new_privs"] == "1"
    # a hidden folder that holds a shown one (a venv made inside the course checkout, as many
    # users do) exists as the way to it, and holds nothing else
    for folder, listing in facts["listing"].items():
        leading = {s[len(folder) + 1 :].split("/")[0] for s in shown if s.startswith(folder + "/")}
        assert leading and set(listing) <= leading, (folder, listing)
    assert not any(v for p, v in facts["visible"].items() if p not in facts["listing"]), facts["visible"]
    assert set(facts["root_entries"]) <= {"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "submission", "tmp", "usr", "root", "opt"}
    assert set(facts["dev"]) == {"null", "zero", "full", "random", "urandom", "fd", "stdin", "stdout", "stderr", "shm"}
    assert len(facts["pids"]) <= 2  # its own PID namespace
    assert facts["writes"] == {**{p: False for p in facts["writes"]}, "/tmp/mathdl-x": True}
    assert not facts["sethostname"] and facts["hostname"] == "mathdl"
    assert not facts["new_userns"] and not facts["setuid0"]
    assert not facts["egress"] and facts["loopback"]
    assert 16 <= facts["scratch_mb_written"] < 33  # the scratch tmpfs is full at its size


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_each_variant_starts_its_child_the_way_it_says(variant):
    """A zygote variant really forks (a silent fall-back to fresh starts would
    leave every other zygote test passing while testing nothing new)."""
    mode, zygote = variant
    with Sandbox(isolation=isolation(mode), zygote=zygote) as sb:
        path = sb.add_file("m.py", b"def f():\n    return 1.0\n")
        assert sb.call(path, "f", [], {}, timeout=60).value == 1.0
        assert sb.forked is zygote


ZYGOTE_VARIANTS = [v for v in VARIANTS if v[1]]

WHERE = b"""
import os
def where():
    return [os.readlink("/proc/self/ns/pid"), os.getpid(), os.getppid(), sorted(int(p) for p in os.listdir("/proc") if p.isdigit())]
"""


def test_a_contained_zygote_makes_each_fork_pid_1_of_a_namespace_of_its_own():
    """bubblewrap's zygote makes each fork PID 1 of a new PID namespace itself, with
    no intermediate process above it (one fork and one exit fewer per child): the
    pid the grader learns is that PID 1, whose one child runs the student's code,
    and two forks alive together never share a namespace."""
    iso = isolation("bwrap")
    seen = []
    with Sandbox(isolation=iso, zygote=True) as first, Sandbox(isolation=iso, zygote=True) as second:
        for sb in (first, second):
            path = sb.add_file("m.py", WHERE)
            reply = sb.call(path, "where", [], {}, timeout=60)
            assert reply.kind == "return" and sb.forked, (reply.kind, reply.detail)
            seen.append(reply.value)
            pid = sb.proc.pid
            nspid = next(line for line in open(f"/proc/{pid}/status") if line.startswith("NSpid:")).split()
            assert nspid[-1] == "1", nspid  # PID 1 of the innermost namespace
            assert len(live_children(pid)) == 1
    (ns_a, pid_a, ppid_a, pids_a), (ns_b, pid_b, ppid_b, pids_b) = seen
    assert ns_a != ns_b
    assert (pid_a, ppid_a, pids_a) == (pid_b, ppid_b, pids_b) == (2, 1, [1, 2])


def _gone(pid: int, within: float = 5.0) -> bool:
    """The process has ended (or is a zombie its parent has yet to reap) within the time."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/status").read_text().find("zombie") >= 0:
                return True
        except (FileNotFoundError, ProcessLookupError):  # gone before the open, or between the open and the read
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("variant", ZYGOTE_VARIANTS, ids=variant_id)
def test_a_fork_is_asked_for_without_waiting_and_known_by_its_first_call(variant):
    """Asking a zygote for a fork returns at once (the fork joins its cgroups and
    confines itself meanwhile): its pid is unknown, and nothing is signalled,
    until the first call reads it from the head of the reply pipe."""
    mode, _ = variant
    with Sandbox(isolation=isolation(mode), zygote=True) as sb:
        path = sb.add_file("m.py", b"def f():\n    return 1.0\n")
        sb.start()
        assert sb.forked and sb.proc.pid == 0
        assert sb.proc.poll() is None  # counted as running: start() does not ask for a second one
        assert sb.call(path, "f", [], {}, timeout=60).value == 1.0
        assert sb.proc.pid > 0 and Path(f"/proc/{sb.proc.pid}").exists()


@pytest.mark.parametrize("variant", ZYGOTE_VARIANTS, ids=variant_id)
@pytest.mark.parametrize("wait", [True, False], ids=["wait", "no-wait"])
def test_a_fork_closed_before_anyone_waited_for_it_ends(variant, wait, monkeypatch):
    """A sandbox closed right after its start (an unused spare) learns its fork's
    pid and kills it; without waiting, the fork still ends, killed."""
    from mathdl_cli.sandbox.zygote import ForkedChild

    mode, _ = variant
    learned = []
    real = ForkedChild.learn_pid

    def learn_pid(self, deadline):
        pid = real(self, deadline)
        learned.append((self, pid))
        return pid

    monkeypatch.setattr(ForkedChild, "learn_pid", learn_pid)
    sb = Sandbox(isolation=isolation(mode), zygote=True)
    sb.start()
    fork = sb.proc
    assert sb.forked and fork.pid == 0
    sb.close(wait=wait)
    # only this sandbox's fork: a zygote started for this test also forks the isolation probe's child
    mine = [pid for proc, pid in learned if proc is fork]
    assert len(mine) == 1 and mine[0] > 0
    assert _gone(mine[0])


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = live_children(todo.pop())
        found += children
        todo += children
    return found


def _ancestors(pid: int) -> list[int]:
    found = []
    while pid > 1:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            break
        pid = int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))
        found.append(pid)
    return found


@pytest.mark.parametrize("variant", ZYGOTE_VARIANTS, ids=variant_id)
def test_grading_workers_fork_their_children_from_the_grading_process_zygote(variant):
    """One zygote per grading run: the workers get a copy of its socket when they
    start and ask it for their children side by side (one request per record);
    their sandboxes live in the grading process's folder, the only one a
    contained zygote sees, and stopping a worker leaves the zygote running."""
    from mathdl_cli.batch.runner import _pool
    from mathdl_cli.sandbox import fs
    from mathdl_cli.sandbox import zygote as zyg
    from support import forked_in_worker

    mode, _ = variant
    iso = isolation(mode)
    zygote = zyg.shared_zygote((), iso)
    handle = zygote.handle()
    assert handle is not None
    try:
        with _pool(2, handle) as pool:
            results = list(pool.map(forked_in_worker, [mode] * 6, [b"def f():\n    return 7\n"] * 6))
        assert {r["value"] for r in results} == {7} and all(r["forked"] for r in results)
        for r in results:
            assert r["own_zygotes"] == [False], "the worker started no zygote of its own"
            assert r["base"] == str(fs.private_base()) and r["box"].startswith(r["base"] + "/")
        assert zygote.alive()  # the workers have ended; the run's zygote serves on
        with Sandbox(isolation=iso, zygote=True) as sb:
            path = sb.add_file("m.py", b"def f():\n    return 8\n")
            assert sb.call(path, "f", [], {}, timeout=60).value == 8 and sb.forked
            assert zygote.proc.pid in _ancestors(sb.proc.pid)
    finally:
        zyg.stop_zygote(zygote)


@pytest.mark.parametrize("variant", ZYGOTE_VARIANTS, ids=variant_id)
def test_the_probe_forks_its_child_from_a_zygote_already_running(variant, monkeypatch):
    """While grade starts its run's zygote, the probe's child is one of that
    zygote's forks (the kind of child the run grades with), and it must keep the
    same promises; without a running zygote the probe starts a child from scratch."""
    from mathdl_cli.sandbox import probe
    from mathdl_cli.sandbox import zygote as zyg

    mode, _ = variant
    iso = isolation(mode)
    spawned = []
    real = zyg.Zygote.spawn

    def spawn(self, config, log_fd):
        spawned.append(self.key)
        return real(self, config, log_fd)

    monkeypatch.setattr(zyg.Zygote, "spawn", spawn)
    monkeypatch.setattr(zyg, "_zygotes", {})
    assert probe.check(iso) is None and spawned == []  # no zygote running: a child from scratch
    zygote = zyg.shared_zygote((), iso)
    try:
        assert probe.check(iso) is None
        assert spawned == [zygote.key]
    finally:
        zyg.stop_zygote(zygote)


def test_without_record_sockets_a_zygote_serves_its_own_process_only(monkeypatch):
    """Where Unix sockets have no SOCK_SEQPACKET (macOS declares it, refuses it),
    the zygote takes a stream socket: it still forks for its own process, and is
    not handed to workers, whose requests a stream could interleave."""
    import socket

    from mathdl_cli.sandbox import zygote as zyg

    real = socket.socketpair

    def socketpair(family=socket.AF_UNIX, kind=socket.SOCK_STREAM, proto=0):
        if kind == socket.SOCK_SEQPACKET:
            raise OSError(93, "Protocol not supported")
        return real(family, kind, proto)

    iso = isolation("process")
    monkeypatch.setattr(socket, "socketpair", socketpair)
    monkeypatch.setattr(zyg, "_zygotes", {})
    zygote = zyg.shared_zygote((), iso)
    try:
        assert zygote.sock.type == socket.SOCK_STREAM and zygote.handle() is None
        with Sandbox(isolation=iso, zygote=True) as sb:
            path = sb.add_file("m.py", b"def f():\n    return 3\n")
            assert sb.call(path, "f", [], {}, timeout=60).value == 3 and sb.forked
    finally:
        zyg.stop_zygote(zygote)


def test_a_zygote_started_ahead_for_another_isolation_is_stopped(monkeypatch):
    """The grading process starts the zygote of the isolation the probe will likely
    choose while it probes; if the probe chooses another, that zygote is stopped
    and the workers get none."""
    from mathdl_cli.batch.runner import _shared
    from mathdl_cli.sandbox import zygote as zyg

    zygote = zyg.shared_zygote((), isolation("process"))
    other = isolation("bwrap")
    assert _shared(zygote, other) is None
    assert not zygote.alive() and zygote.key not in zyg._zygotes
    again = zyg.shared_zygote((), isolation("process"))
    try:
        handle = _shared(again, isolation("process"))
        assert handle is not None and handle.key == again.key
    finally:
        zyg.stop_zygote(again)


@pytest.mark.parametrize("load_ahead", [False, True], ids=["call", "load-ahead"])
def test_a_spare_that_died_with_its_zygote_is_replaced_not_blamed(load_ahead, monkeypatch):
    """A spare is a zygote's fork, and a zygote killed (by the kernel's out-of-memory
    killer, say) takes its forks with it. A spare that died before it was taken has run
    nothing of anyone's: the submission that takes it gets a new child, and its first
    call (the import of its module, sent ahead as grade sends it, or a plain call) is the
    student's own result, not a crash by SIGKILL (what a batch reported for the next
    submission after the zygote went)."""
    import fcntl
    import signal
    import struct
    import termios

    from mathdl_cli.sandbox import spares
    from mathdl_cli.sandbox import zygote as zyg

    settings = {"limits": Limits(memory_mb=1024), "hide": [], "zygote": True, "preload": ()}
    monkeypatch.setattr(zyg, "_zygotes", {})  # a zygote of this test's own: other tests' forks live on
    monkeypatch.setattr(spares, "_spares", [])
    try:
        spares.prepare(1, **settings)
        (_, spare), = spares._spares
        fd = spare.proc.stdout.fileno()
        deadline = time.monotonic() + 30
        while struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0] <= 8 and time.monotonic() < deadline:
            time.sleep(0.005)  # a spare waiting to be taken: its pid (8 bytes) and its ready are in its pipe
        time.sleep(0.1)
        zygote = zyg.shared_zygote((), probe_isolation())
        tree = _descendants(zygote.proc.pid)  # the zygote's processes, the spare's child among them
        assert tree, "the spare's child runs below the zygote"
        os.killpg(zygote.proc.pid, signal.SIGKILL)  # and with it the spare's child
        assert all(_gone(pid) for pid in tree)  # dead before it is taken (a child dying later is the next test's)
        taken = spares.take(**settings)
        assert taken is spare
        path = taken.add_file("m.py", b"def f(x):\n    return 2 * x\n")
        if load_ahead:
            taken.load_ahead(path)
        assert taken.call(path, "f", [3], {}, timeout=60).value == 6
        assert taken.starts == 2  # the dead spare, then its replacement
        taken.close()
    finally:
        spares.close_spares()
        zyg.close_zygote()


@contextlib.contextmanager
def _forked_from_own_zygote(mode, monkeypatch, source=b"def f():\n    return 1\n"):
    """(zygote, sandbox, module path): a sandbox whose child, called once, is a fork of a
    zygote of the test's own (other tests' forks live on whatever it does to it)."""
    from mathdl_cli.sandbox import zygote as zyg

    iso = isolation(mode)
    monkeypatch.setattr(zyg, "_zygotes", {})
    zygote = zyg.shared_zygote((), iso)
    try:
        with Sandbox(isolation=iso, zygote=True) as sb:
            path = sb.add_file("m.py", source)
            assert sb.call(path, "f", [], {}, timeout=60).value == 1 and sb.forked
            yield zygote, sb, path
    finally:
        zyg.close_zygote()


@pytest.mark.parametrize("variant", ZYGOTE_VARIANTS, ids=variant_id)
def test_a_stopped_zygote_takes_its_forks_with_it(variant, monkeypatch):
    """Stopping a zygote kills its group before it can leave by itself (it does once its
    socket closes), so no fork outlives it in any isolation: in process and namespaces
    isolation a zygote that left first left its forks running."""
    from mathdl_cli.sandbox import zygote as zyg

    mode, _ = variant
    with _forked_from_own_zygote(mode, monkeypatch) as (zygote, sb, path):
        tree = _descendants(zygote.proc.pid)
        assert sb.proc.pid in tree
        for _ in range(3):  # the race it lost was a matter of scheduling
            zyg.stop_zygote(zygote)
            assert all(_gone(pid) for pid in tree), [pid for pid in tree if not _gone(pid, 0.0)]
            zygote = zyg.shared_zygote((), isolation(mode))
            assert sb.call(path, "f", [], {}, timeout=60).value == 1  # a new child, from the new zygote
            tree = _descendants(zygote.proc.pid)


@pytest.mark.parametrize("variant", ZYGOTE_VARIANTS, ids=variant_id)
def test_a_zygote_that_died_is_replaced_and_its_forks_go_with_it(variant, monkeypatch):
    """The zygote's own process killed (its group left): the next child's request finds
    it gone and replaces it, and its leftover group, the intermediate processes that
    keep its forks alive in process and namespaces isolation, goes too (the check for
    its end must not reap it: its group can then no longer be killed by its pid)."""
    import signal

    from mathdl_cli.sandbox import zygote as zyg

    mode, _ = variant
    with _forked_from_own_zygote(mode, monkeypatch) as (zygote, sb, path):
        tree = _descendants(zygote.proc.pid)
        os.kill(zygote.proc.pid, signal.SIGKILL)
        assert _gone(zygote.proc.pid)
        assert zyg.shared_zygote((), isolation(mode)) is not zygote
        assert all(_gone(pid) for pid in tree), [pid for pid in tree if not _gone(pid, 0.0)]


@pytest.mark.parametrize("variant", ZYGOTE_VARIANTS, ids=variant_id)
def test_a_fork_killed_by_its_zygotes_end_is_a_grader_error(variant, monkeypatch):
    """A zygote killed (by the kernel's out-of-memory killer, say) takes its forks with it:
    bubblewrap's tears down their namespaces, and the process group it leads holds the
    intermediate processes the others' forks die with. A call whose child died that way
    is a grader error (SandboxError: the batch records it as internal and regrades it),
    never the crash of the student's code it was running; a worker, which shares the
    zygote by a handle, tells the same by the zygote's pid and start time."""
    import signal

    from mathdl_cli.sandbox import zygote as zyg

    mode, _ = variant
    source = b"import time\ndef f():\n    return 1\ndef slow():\n    time.sleep(30)\n"
    with _forked_from_own_zygote(mode, monkeypatch, source) as (zygote, sb, path):
        worker_view = zyg.Zygote.shared_by(zygote.handle())
        assert not worker_view.gone()
        threading.Timer(0.5, os.killpg, [zygote.proc.pid, signal.SIGKILL]).start()
        with pytest.raises(SandboxError, match="zygote process this child was forked from stopped"):
            sb.call(path, "slow", [], {}, timeout=25)
        assert worker_view.gone() and zygote.gone()
        assert sb.call(path, "f", [], {}, timeout=60).value == 1  # the next call gets a child from a new zygote


def test_spares_are_started_ahead_and_taken_by_their_settings():
    """A batch's next children: started with no files, run nothing, taken only by
    a run with the same settings; spares of other settings are closed."""
    from mathdl_cli.sandbox import spares

    settings = {"limits": Limits(memory_mb=1024), "hide": [], "zygote": True, "preload": ()}
    try:
        fresh = spares.take(**settings)
        assert fresh.proc is None  # no spare yet: a new sandbox, not started
        fresh.close()
        spares.prepare(2, **settings)
        made = [box for _, box in spares._spares]
        assert len(made) == 2 and all(box.proc is not None for box in made)
        assert all(not any(box.files.iterdir()) for box in made)
        spares.prepare(2, **settings)  # already there: nothing new
        assert [box for _, box in spares._spares] == made
        other = spares.take(**{**settings, "limits": Limits(memory_mb=512)})
        assert other not in made and other.proc is None
        other.close()
        taken = spares.take(**settings)
        assert taken in made and taken.proc is not None
        path = taken.add_file("late.py", b"def f(x):\n    return 2 * x\n")  # added after the start: imported on first call
        assert taken.call(path, "f", [3], {}, timeout=60).value == 6
        taken.close()
        left = spares._spares[0][1]
        spares.prepare(1, **{**settings, "preload": ("torch",)})  # another chapter's settings: the old spare goes
        assert left.proc is None and [s for s, _ in spares._spares] == [
            spares._settings(probe_isolation(), **{**settings, "preload": ("torch",)})
        ]
    finally:
        spares.close_spares()
    assert spares._spares == []


def test_a_spare_never_serves_a_run_that_asks_for_another_isolation(monkeypatch):
    """Spares are started with the isolation MATHDL_ISOLATION asked for then; a
    later run of the same process that asks for another gets a sandbox of its own."""
    from mathdl_cli.sandbox import spares

    settings = {"limits": Limits(memory_mb=1024), "hide": [], "zygote": True, "preload": ()}
    monkeypatch.setenv("MATHDL_ISOLATION", "process")
    isolation("process")
    try:
        spares.prepare(1, **settings)
        made = spares._spares[0][1]
        assert made.isolation_mode.name.startswith("process")
        monkeypatch.setenv("MATHDL_ISOLATION", "bwrap")
        isolation("bwrap")
        taken = spares.take(**settings)
        assert taken is not made and taken.isolation == "bwrap"
        taken.close()
    finally:
        spares.close_spares()


OTHER = r'''
import os

def look_for(names):
    """Every path under / (but /proc) whose name is one of names, and what /run holds."""
    found = []
    for top, dirs, files in os.walk("/"):
        if top == "/":
            dirs[:] = [d for d in dirs if d != "proc"]
        found += [os.path.join(top, f) for f in files + dirs if f in names]
    return {"found": found, "run": sorted(os.listdir("/run")), "uid": os.getuid()}
'''


def test_a_bwrap_zygotes_fork_sees_its_own_submission_only():
    """The zygote's container shows every sandbox folder of the process (the forks
    bind their own from it): a fork's new root must show none but its own, even
    while another submission's child of the same zygote is alive."""
    iso = isolation("bwrap")
    with Sandbox(isolation=iso, zygote=True) as first, Sandbox(isolation=iso, zygote=True) as second:
        mine = first.add_file("mine_probe.py", OTHER.encode())
        second.add_file("classmate_secret.py", b"def f():\n    return 'their work'\n")
        theirs = second.add_file("probe.py", OTHER.encode())
        assert second.call(theirs, "look_for", [["x"]], {}, timeout=60).kind == "return"  # alive meanwhile
        names = ["classmate_secret.py", "mathdl-boxes", first.root.name, second.root.name, fs.private_base().name, "mine_probe.py"]
        reply = first.call(mine, "look_for", [names], {}, timeout=60)
        assert first.forked and second.forked
    assert reply.kind == "return", reply
    assert reply.value["found"] == ["/submission/mine_probe.py"]
    assert reply.value["run"] == ["mathdl"]  # the runtime; no sandbox folders
    assert reply.value["uid"] == 1000


def test_a_bwrap_zygotes_fork_is_known_by_its_host_pid():
    """The fork's pid inside the container means nothing on the host: the grader
    kills and waits for the process the kernel named in the fork's credentials,
    which runs as the unprivileged user and is in the sandbox's cgroup."""
    iso = isolation("bwrap")
    with Sandbox(isolation=iso, zygote=True) as sb:
        path = sb.add_file("student.py", STUDENT.encode())
        assert sb.call(path, "add", [1.0, 2.0], {}, timeout=60).value == 3.0
        pid = sb.proc.pid
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
        expected = iso.drop[0] if os.geteuid() == 0 else os.geteuid()
        assert int(status["Uid"].split()[0]) == expected
        if sb.cgroup is not None:
            assert pid in sb.cgroup.pids()
        t0 = time.monotonic()
        reply = sb.call(path, "sleepy", [0], {}, timeout=1)
        assert reply.kind == "timeout" and time.monotonic() - t0 < 10
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        assert sb.call(path, "add", [1.0, 1.0], {}, timeout=60).value == 2.0  # a new fork serves the next call
        assert sb.forked and sb.proc.pid != pid


@pytest.mark.parametrize("caps", [(), ("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_RESOURCE")], ids=["no-capabilities", "no-setpcap"])
def test_a_zygote_whose_forks_cannot_confine_themselves_gives_way_to_fresh_children(caps, monkeypatch):
    """Where bubblewrap's container grants the zygote no capabilities (or not all
    it needs to drop them), its forks fail to confine themselves, before or after
    they report their pid: the child is started from scratch instead, and so is
    every later one of this process; never a fork that kept a capability."""
    from mathdl_cli.sandbox import bwrap
    from mathdl_cli.sandbox import zygote as zyg

    iso = isolation("bwrap")
    monkeypatch.setattr(bwrap, "FORK_CAPS", caps)
    monkeypatch.setattr(zyg, "_zygotes", {})
    monkeypatch.setattr(zyg, "_failed", set())
    try:
        for _ in range(2):
            with Sandbox(isolation=iso, zygote=True) as sb:
                path = sb.add_file("probe.py", PROBE.encode())
                reply = sb.call(path, "facts", [[]], {}, timeout=60)
                assert reply.kind == "return", reply
                assert not sb.forked and set(reply.value["caps"].values()) == {"0000000000000000"}
        assert zyg.zygote_key((), iso) in zyg._failed
    finally:
        zyg.close_zygote()


PERSIST = r'''
import os, subprocess, sys

def leave_things(marker):
    if os.fork() == 0:  # a double-forked daemon in a session of its own
        os.setsid()
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "300", marker])
        os._exit(0)
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    shm = libc.shmget(0x6d61, 4096, 0o1000 | 0o666)  # IPC_CREAT
    return shm
'''


def _marked(marker):
    res = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True)
    return [line for line in res.stdout.splitlines() if marker in line and "ps -eo" not in line]


def _host_shm_keys():
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {int(line.split()[0]) for line in lines}


@pytest.mark.parametrize("variant", CONFINED, ids=variant_id)
def test_nothing_survives_a_confined_child(variant):
    mode, zygote = variant
    marker = f"mathdl-survivor-{mode}-{zygote}"
    with Sandbox(isolation=isolation(mode), zygote=zygote) as sb:
        path = sb.add_file("persist.py", PERSIST.encode())
        reply = sb.call(path, "leave_things", [marker], {}, timeout=30)
        assert reply.kind == "return" and reply.value >= 0, reply
        assert 0x6D61 not in _host_shm_keys()  # its own IPC namespace
    deadline = time.monotonic() + 5
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _marked(marker) == []


def _need_cgroups() -> None:
    group = cgroups.create()
    if group is None:
        pytest.skip("no cgroups here (not root, none delegated)")
    cgroups.release(group)


def test_a_cgroup_kill_spares_a_listed_pid_now_held_by_a_process_outside_it(tmp_path):
    """A pid read from cgroup.procs may have been given to another process by the time
    it is signalled (its own exited and was reaped): only a process still in the cgroup
    is killed. Here the listing names a live process that is in no mathdl cgroup."""
    outsider = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = tmp_path / "mathdl-1-0"
        folder.mkdir()
        (folder / "cgroup.procs").write_text(f"{outsider.pid}\n")
        assert cgroups.Cgroup([folder], 1).kill(wait=0.05) is False  # it stays listed: not ours to kill
        assert outsider.poll() is None
    finally:
        outsider.kill()
        outsider.wait()


def test_a_cgroup_kill_kills_every_process_in_it_one_by_one():
    """Without cgroup.kill (cgroup v1, Linux < 5.14) each process in the group is
    signalled, its forks included."""
    _need_cgroups()
    group = cgroups.create()
    code = "import os, time\nfor _ in range(3):\n    if os.fork() == 0:\n        break\ntime.sleep(60)\n"
    proc = subprocess.Popen([sys.executable, "-c", f"import sys\nfor f in sys.argv[1:]:\n    open(f, 'w').write('0')\n{code}", *group.procs])
    try:
        deadline = time.monotonic() + 10
        while len(group.pids()) < 4 and time.monotonic() < deadline:  # the leader and its 3 forks
            time.sleep(0.01)
        assert len(group.pids()) == 4
        if (group.folders[0] / "cgroup.kill").exists():
            pytest.skip("this kernel kills a cgroup at once (cgroup.kill): the one-by-one path is not taken")
        assert group.kill(wait=5.0)
        assert proc.wait(timeout=5) == -9 and group.pids() == []
    finally:
        proc.kill()
        proc.wait()
        cgroups.release(group)


def test_a_plain_process_is_in_its_cgroup_before_it_is_ready():
    """A plain process is moved into its cgroup by the grader while it starts
    (overlapping the kernel's wait with its imports): by its first call it is in,
    and a move that fails is a grader error, never a child left unlimited."""
    with Sandbox(isolation=isolation("process")) as sb:
        _need_cgroups()
        path = sb.add_file("m.py", b"import os\ndef pid():\n    return os.getpid()\n")
        reply = sb.call(path, "pid", [], {}, timeout=60)
        assert reply.kind == "return" and sb.cgroup is not None
        assert reply.value == sb.proc.pid and reply.value in sb.cgroup.pids()


def test_a_plain_process_that_cannot_join_its_cgroup_is_a_grader_error(monkeypatch):
    from mathdl_cli.sandbox import box as boxmod

    def refuse(self, procs, pid):
        self.error = "PermissionError: refused for the test"

    iso = isolation("process")  # probed before the refusal
    monkeypatch.setattr(boxmod._Joining, "_join", refuse)
    with Sandbox(isolation=iso) as sb:
        _need_cgroups()
        path = sb.add_file("m.py", b"def f():\n    return 1\n")
        with pytest.raises(SandboxError, match="could not be placed in its cgroup"):
            sb.call(path, "f", [], {}, timeout=60)


FORKS = r'''
import os, time

def fork_loop(marker):
    n = 0
    for _ in range(500):
        try:
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "300", marker])
            n += 1
        except OSError:
            break
    return n

def memory_split(mb, n):
    """n processes each holding mb megabytes: together more than the limit.
    Returns how many hold their block at once."""
    import select
    import numpy as np
    r, w = os.pipe()
    kids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            try:
                block = np.ones(mb * 1024 * 1024 // 8)
                os.write(w, b"1")
                time.sleep(60)
            finally:
                os._exit(0)
        kids.append(pid)
    os.close(w)
    dead = set()

    def living():
        for pid in kids:
            if pid not in dead and os.waitpid(pid, os.WNOHANG)[0] != 0:
                dead.add(pid)
        return [pid for pid in kids if pid not in dead]

    holding, deadline = 0, time.monotonic() + 40
    while holding < n and time.monotonic() < deadline:
        ready, _, _ = select.select([r], [], [], 1.0)
        if ready:
            if not os.read(r, 1):
                break
            holding += 1
        if len(living()) <= holding:
            break  # the others were killed
    return min(holding, len(living()))
'''


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_the_whole_tree_is_limited(variant):
    mode, zygote = variant
    iso = isolation(mode)
    has_cgroup = cgroups.create() is not None
    if not iso.confined and not has_cgroup:
        pytest.skip("a plain process without a cgroup has no limit on its tree (documented)")
    marker = f"mathdl-forks-{mode}-{zygote}"
    with Sandbox(isolation=iso, zygote=zygote, limits=Limits(memory_mb=600, processes=32)) as sb:
        path = sb.add_file("forks.py", FORKS.encode())
        reply = sb.call(path, "fork_loop", [marker], {}, timeout=60)
        assert reply.kind == "return" and 0 < reply.value < 32, reply
        sb.kill()  # its sleepers die with it
        assert _marked(marker) == []
        if has_cgroup:
            reply = sb.call(path, "memory_split", [300, 3], {}, timeout=60)
            # each within its address-space limit, 3 x 300 MB > 600 MB for the tree: the cgroup kills some
            assert reply.kind == "crashed" or (reply.kind == "return" and reply.value < 3), reply
    assert _marked(marker) == []


OVER_THE_TREE = b"""
import os, time

def over(helper_mb, own_mb):
    r, w = os.pipe()
    parent = os.getpid()
    if os.fork() == 0:  # a helper holding helper_mb, then our own own_mb: together over the tree's limit
        held = b"x" * (helper_mb << 20)  # written: resident, not zero pages
        os.write(w, b"1")
        while os.getppid() == parent:  # it leaves with its parent (it holds the reply pipe too)
            time.sleep(0.01)
        os._exit(0)
    os.read(r, 1)
    mine = b"y" * (own_mb << 20)
    return len(mine)
"""


@pytest.mark.parametrize("mode", MODES)
def test_a_child_killed_for_the_trees_memory_is_told_so(mode):
    """Each process within its own address-space limit, the tree over the cgroup's: the
    kernel's out-of-memory killer stops the biggest (our child) and the crash says it
    went over the memory limit, not only that it may have."""
    iso = isolation(mode)
    if cgroups.create() is None:
        pytest.skip("no cgroups here (not root, none delegated)")
    with Sandbox(isolation=iso, limits=Limits(memory_mb=500)) as sb:
        path = sb.add_file("over.py", OVER_THE_TREE)
        assert sb.call(path, "over", [10, 10], {}, timeout=60).kind == "return"  # under the limit: no kill counted
        reply = sb.call(path, "over", [220, 320], {}, timeout=60)
        assert reply.kind == "crashed", reply
        assert "was killed by signal SIGKILL (it went over the memory limit of 500 MB for all its processes together)" in reply.detail, reply.detail


LEAVES_A_HOLDER = b"""
import os, signal, time

def leave(how):
    r, w = os.pipe()
    if os.fork() == 0:  # a helper that outlives us, holding our reply pipe (and stdin) open
        os.close(r)
        os.write(w, b"1")
        time.sleep(30)
        os._exit(0)
    os.read(r, 1)
    if how == "killed":
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    os._exit(4)
"""


@pytest.mark.parametrize("variant", [*VARIANTS, SPINNING], ids=variant_id)
@pytest.mark.parametrize("how", ["killed", "exits"])
def test_a_child_gone_while_its_helper_holds_the_pipe_is_seen_at_once(variant, how):
    """A child that dies while a process it started still holds the reply pipe: the pipe
    never reaches its end, and the call used to wait for its whole timeout and call it a
    timeout. The child's exit is watched beside the pipe (its pidfd): the call ends at
    once, as a crash, with the child's own exit status."""
    mode, zygote = variant[:2]
    if not hasattr(os, "pidfd_open"):
        pytest.skip("no pidfds here (Linux < 5.3): such a child is seen at its timeout")
    with Sandbox(isolation=isolation(mode), zygote=zygote, spin=SPIN_SECONDS if len(variant) > 2 else 0.0) as sb:
        path = sb.add_file("leave.py", LEAVES_A_HOLDER)
        t = time.monotonic()
        reply = sb.call(path, "leave", [how], {}, timeout=25)
        took = time.monotonic() - t
        assert reply.kind == "crashed", reply
        assert took < 10, took
        if how == "killed":
            assert "SIGKILL" in reply.detail, reply.detail
        assert sb.call(path, "leave", ["nothing"], {}, timeout=25).kind == "crashed"  # and the next child starts


def test_a_child_that_cannot_start_is_a_grader_error():
    with Sandbox(isolation=ProcessIsolation(), limits=Limits(open_files=3)) as sb:
        path = sb.add_file("m.py", b"def f():\n    return 1.0\n")
        with pytest.raises(SandboxError, match="could not start"):
            sb.call(path, "f", [], {}, timeout=10)


@pytest.mark.parametrize("mode", MODES)
def test_forced_isolation_is_used_or_refused(mode):
    try:
        chosen = probe_isolation(mode)
    except IsolationUnavailable as exc:
        assert mode in str(exc) and "To fix it" in str(exc)
        return
    assert chosen.name.split("+")[0] == mode
    assert chosen.confined == (mode != "process")


CLEANUP_SCRIPT = r"""
import json, sys
from mathdl_cli.sandbox import ProcessIsolation, Sandbox, cgroups, fs, probe_isolation
deep = "def dig():\n    import os\n    for _ in range(1500):\n        os.mkdir('d')\n        os.chdir('d')\n    return 1.0\n"
for iso in (ProcessIsolation(), probe_isolation()):
    sb = Sandbox(isolation=iso, zygote=True)  # left open on purpose: the exit must clean up
    path = sb.add_file("m.py", deep.encode())
    assert sb.call(path, "dig", [], {}, timeout=120).value == 1.0
    sb.kill()  # the deep tree stays in its scratch folder (plain process)
print(json.dumps({"base": str(fs.private_base()), "cgroups": [str(f) for g in cgroups._all for f in g.folders]}))
"""


def test_everything_a_run_made_is_removed_at_its_end(tmp_path):
    """A deep tree left in a scratch folder, open sandboxes, the zygote, the
    cgroups, the process's base folder: gone when the process exits, even with
    TMPDIR outside /tmp."""
    import json
    import sys

    tmpdir = tmp_path / "elsewhere"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONPATH": str(Path(__file__).parent.parent)}
    res = subprocess.run([sys.executable, "-c", CLEANUP_SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    made = json.loads(res.stdout.splitlines()[-1])
    assert Path(made["base"]).parent == tmpdir
    assert list(tmpdir.iterdir()) == []
    assert not any(Path(f).exists() for f in made["cgroups"])
    assert not any(str(tmpdir) in line for line in _marked("child.py"))


SWEEP_SCRIPT = r"""
import sys, time
from mathdl_cli.sandbox import fs
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))  # every process sweeps at the same moment
print(fs.private_base())
"""


def test_runs_starting_together_sweep_a_dead_runs_folder_without_failing(tmp_path):
    """A killed run leaves its base folder behind; the next run's workers all
    sweep it as they start. Two sweepers removing the same tree must not make
    either of them fail (it did: FileNotFoundError in a worker, a grader error)."""
    import sys
    import time

    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    stale = tmpdir / f"mathdl-{dead}-abcdefgh"
    stale.mkdir()
    (stale / fs.MARKER).write_bytes(b"")
    for box in range(40):
        for sub in ("runtime", "files/1", "files/2"):
            folder = stale / f"box-{box:012x}" / sub
            folder.mkdir(parents=True)
            for i in range(20):
                (folder / f"f{i}.py").write_text("x = 1\n")
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONPATH": str(Path(__file__).parent.parent)}
    start = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, "-c", SWEEP_SCRIPT, str(start)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(6)]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _, _ in outcomes), [err[-800:] for _, _, err in outcomes]
    assert not stale.exists()
    assert list(tmpdir.iterdir()) == []  # each sweeper removed its own base at exit, and nothing else is left


def test_a_sweep_leaves_folders_it_did_not_make(tmp_path):
    """Folders named like a base but without its marker (a student's course in
    /tmp/mathdl-<year>-<term>, say) are not the grader's to remove."""
    import sys

    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    theirs = [tmpdir / f"mathdl-{dead}-fallterm", tmpdir / f"mathdl-{dead}-notes", tmpdir / "mathdl-2025-spring26"]
    for folder in theirs:
        folder.mkdir()
        (folder / "ch2.py").write_text("# my work\n")
    stale = tmpdir / f"mathdl-{dead}-abcdefgh"
    stale.mkdir()
    (stale / fs.MARKER).write_bytes(b"")
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONPATH": str(Path(__file__).parent.parent)}
    res = subprocess.run([sys.executable, "-c", "from mathdl_cli.sandbox import fs; print(fs.private_base())"], capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    assert not stale.exists()
    assert all((folder / "ch2.py").read_text() == "# my work\n" for folder in theirs)


STOPS_ITSELF = b"""
import os, signal, threading, time

def stop_soon(x):
    # returns at once; a moment later the whole child is stopped, reading nothing more
    threading.Thread(target=lambda: (time.sleep(0.3), os.kill(os.getpid(), signal.SIGSTOP)), daemon=True).start()
    return 0.0

def first(x):
    return float(x[0])
"""


def test_a_child_that_stops_reading_meets_the_deadline_of_a_long_request():
    # 24 MB of argument do not fit in the pipe: the grader's write must give up at the
    # call's deadline (a blocking write would wait for the stopped child for ever)
    with Sandbox(isolation=ProcessIsolation()) as sb:
        path = sb.add_file("stops.py", STOPS_ITSELF)
        assert sb.call(path, "stop_soon", [0], {}, timeout=10).kind == "return"
        time.sleep(0.6)
        t0 = time.monotonic()
        child = sb.proc
        # a regression (a blocking write) fails here instead of hanging the suite: the
        # stopped child is killed after 15 s, which ends the write with an error, not a timeout
        watchdog = threading.Timer(15.0, lambda: child.kill())
        watchdog.start()
        try:
            reply = sb.call(path, "first", [np.zeros(3_000_000)], {}, timeout=2)
        finally:
            watchdog.cancel()
        assert reply.kind == "timeout" and time.monotonic() - t0 < 10


def _cpu_ns(pid):
    """The time ``pid`` has run on a CPU, in nanoseconds (/proc/<pid>/schedstat)."""
    try:
        with open(f"/proc/{pid}/schedstat") as fh:
            return int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        pytest.skip("this kernel keeps no /proc/<pid>/schedstat")


@pytest.fixture
def polls_whatever_else_runs(monkeypatch):
    """Polling that never stops for other processes (the suite runs tests beside each other)."""
    from mathdl_cli.sandbox import box

    monkeypatch.setattr(box, "POLL_CONTENDED", 3600.0)


def test_a_spinning_child_polls_after_each_reply_and_a_sleeping_one_does_not(polls_whatever_else_runs):
    # after each reply the spinning child polls for its next request for SPIN_SECONDS:
    # over 20 idle gaps of 20 ms it runs for about 20 x 3 ms more than a child that sleeps
    ran = {}
    for spin in (0.0, SPIN_SECONDS):
        with Sandbox(isolation=ProcessIsolation(), spin=spin) as sb:
            path = sb.add_file("student.py", STUDENT.encode())
            assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0
            before = _cpu_ns(sb.proc.pid)
            for _ in range(20):
                assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0
                time.sleep(0.02)
            ran[spin] = (_cpu_ns(sb.proc.pid) - before) / 1e9
    assert ran[SPIN_SECONDS] - ran[0.0] > 0.015, ran


def test_a_spinning_child_polls_for_a_while_then_sleeps(polls_whatever_else_runs):
    # the child polls for its next request for SPIN_SECONDS after each reply, then blocks:
    # idle for half a second it runs for about that long, not for the half second
    with Sandbox(isolation=ProcessIsolation(), spin=SPIN_SECONDS) as sb:
        path = sb.add_file("student.py", STUDENT.encode())
        assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0
        before = _cpu_ns(sb.proc.pid)
        time.sleep(0.5)
        ran = (_cpu_ns(sb.proc.pid) - before) / 1e9
        assert ran < 0.1, f"the idle child ran {ran:.3f} s of 0.5"
        assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0  # and wakes for the next request


def test_a_containers_cpu_quota_counts_as_its_cores(tmp_path):
    from mathdl_cli import early

    (tmp_path / "cgroup").write_text("0::/box/inner\n")
    for folder, limit in (("box", "100000 100000"), ("box/inner", "max 100000")):  # --cpus=1 on the parent
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "cpu.max").write_text(limit + "\n")
    assert early._cgroup_cpu_quota(str(tmp_path), str(tmp_path / "cgroup")) == 1.0
    (tmp_path / "box" / "cpu.max").write_text("max 100000\n")
    assert early._cgroup_cpu_quota(str(tmp_path), str(tmp_path / "cgroup")) == float("inf")
    (tmp_path / "cgroup").write_text("1:cpu:/\n")  # no unified hierarchy
    assert early._cgroup_cpu_quota(str(tmp_path), str(tmp_path / "cgroup")) == float("inf")


def test_only_a_students_own_sandbox_spins_and_only_with_a_core_to_spare(monkeypatch):
    from mathdl_cli import early

    monkeypatch.setattr(early, "_cores", lambda: 2)
    sb = early.student_sandbox(start=False)
    try:
        assert sb.spin == SPIN_SECONDS
    finally:
        sb.close()
    monkeypatch.setattr(early, "_cores", lambda: 1)
    sb = early.student_sandbox(start=False)
    try:
        assert sb.spin == 0.0  # one core: polling would take it from the other process
    finally:
        sb.close()
    monkeypatch.setattr(early, "_cores", lambda: 1.5)  # a container's quota of one and a half CPUs
    sb = early.student_sandbox(start=False)
    try:
        assert sb.spin == 0.0
    finally:
        sb.close()
    with Sandbox(isolation=ProcessIsolation()) as sb:  # a batch's sandboxes: its workers fill the cores
        assert sb.spin == 0.0
    for given, used in ((float("nan"), 0.0), (-1.0, 0.0), (1.0, 0.01)):  # never a poll without end
        with Sandbox(isolation=ProcessIsolation(), spin=given) as sb:
            assert sb.spin == used, given



TRICKLES = """
import gc, os, struct, time

def trickle(x):
    # a reply that claims 600 kB and then comes one byte every 5 ms, written straight
    # onto the protocol pipe: the call must still end at its deadline
    server = next(o for o in gc.get_objects() if type(o).__name__ == "Server" and hasattr(o, "wfd"))
    os.write(server.wfd, struct.pack("<Q", 600_000))
    while True:
        os.write(server.wfd, b"x")
        time.sleep(0.005)
"""


@pytest.mark.parametrize("spin", [0.0, SPIN_SECONDS], ids=["sleeping", "spinning"])
def test_a_reply_that_trickles_in_meets_the_deadline(spin):
    with Sandbox(isolation=ProcessIsolation(), spin=spin) as sb:
        path = sb.add_file("trickles.py", TRICKLES.encode())
        t0 = time.monotonic()
        sb.start()
        child = sb.proc
        # a regression fails here instead of hanging the suite: the child is killed after 15 s
        watchdog = threading.Timer(15.0, lambda: child.kill())
        watchdog.start()
        try:
            reply = sb.call(path, "trickle", [0], {}, timeout=1.0)
        finally:
            watchdog.cancel()
        assert reply.kind == "timeout" and time.monotonic() - t0 < 8, (reply.kind, time.monotonic() - t0)


@pytest.mark.parametrize("spin", [0.0, SPIN_SECONDS], ids=["sleeping", "spinning"])
def test_a_passed_deadline_is_a_timeout_even_with_bytes_waiting(spin):
    # the reply loop reads whatever has arrived, then waits for more: a child that keeps a
    # few bytes waiting at every wait must still run into the deadline
    from mathdl_cli import wire
    from mathdl_cli.sandbox import box

    r, w = os.pipe()
    try:
        os.write(w, b"waiting")
        poll = wire.Poll(spin, 3600.0)
        with pytest.raises(box._Timeout):
            box._wait_ready(r, time.monotonic() - 0.001, poll=poll)
        box._wait_ready(r, time.monotonic() + 1.0, poll=poll)  # before the deadline: ready at once
    finally:
        os.close(r)
        os.close(w)


def test_polling_ends_for_good_once_its_process_was_kept_off_the_cpu_twice(monkeypatch):
    from mathdl_cli import wire

    r, w = os.pipe()

    def contended(poll):  # a poll of 2 ms with no message, in which this thread gets no CPU time
        cpu = time.thread_time()
        monkeypatch.setattr(time, "thread_time", lambda: cpu)
        try:
            return poll.until_readable(r, 1.0)
        finally:
            monkeypatch.undo()

    def running(poll):  # a poll that finds the message, this thread on its CPU all along
        monkeypatch.setattr(time, "thread_time", time.perf_counter)
        os.write(w, b"x")
        try:
            return poll.until_readable(r, 1.0)
        finally:
            monkeypatch.undo()
            os.read(r, 1)

    try:
        poll = wire.Poll(0.002, 0.0005)
        assert running(poll) and poll.seconds == 0.002
        assert not contended(poll) and poll.seconds == 0.002  # one: a hiccup
        for _ in range(wire.Poll.WINDOW):
            assert running(poll)
        assert not contended(poll) and poll.seconds == 0.002  # the next, more than WINDOW polls later: another hiccup
        assert running(poll)
        assert not contended(poll) and poll.seconds == 0.0  # a second within WINDOW polls: polling ends
        os.write(w, b"x")
        assert poll.until_readable(r, 1.0) is False  # for good: a wait that would find the message blocks instead
        assert wire.Poll(0.0, 0.0005).until_readable(r, 1.0) is False
        assert wire.Poll(float("nan"), 0.0005).until_readable(r, 1.0) is False
    finally:
        os.close(r)
        os.close(w)


def test_a_poll_never_outlasts_the_deadline(monkeypatch):
    # the poll takes up to the spin; the blocking wait after it gets only what is left
    from mathdl_cli import wire
    from mathdl_cli.sandbox import box

    r, w = os.pipe()
    try:
        poll = wire.Poll(0.05, 3600.0)
        t0 = time.monotonic()
        with pytest.raises(box._Timeout):
            box._wait_ready(r, t0 + 0.01, poll=poll)
        assert time.monotonic() - t0 < 0.016  # not the 10 ms again after the poll's 10 ms
    finally:
        os.close(r)
        os.close(w)


HOG = "while True:\n    pass\n"


def test_both_sides_stop_polling_when_another_process_wants_their_cpu():
    # the grader, its child and two busy processes on one CPU: a poll takes the CPU from the
    # process that has work, so each side of the sandbox must find that out and block instead
    cpu = min(os.sched_getaffinity(0))
    mine = os.sched_getaffinity(0)
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(2)]
    try:
        for hog in hogs:
            os.sched_setaffinity(hog.pid, {cpu})
        os.sched_setaffinity(0, {cpu})
        with Sandbox(isolation=ProcessIsolation(), spin=0.01) as sb:
            path = sb.add_file("student.py", STUDENT.encode())
            assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0
            os.sched_setaffinity(sb.proc.pid, {cpu})
            # a reply later than the spin: the grader's every poll lasts all of it, and the busy
            # processes take the CPU from it there (a quick reply may come before they get to)
            slow = sb.add_file("slow.py", b"import time\ndef add(x, y):\n    time.sleep(0.02)\n    return x + y\n")
            for _ in range(30):
                assert sb.call(slow, "add", [1.0, 2.0], {}, timeout=30).value == 3.0
            assert sb._poll is not None and sb._poll.seconds == 0.0, "the grader still polls"
            before = _cpu_ns(sb.proc.pid)
            for _ in range(10):
                assert sb.call(path, "add", [1.0, 2.0], {}, timeout=30).value == 3.0
                time.sleep(0.03)
            ran = (_cpu_ns(sb.proc.pid) - before) / 1e9
            # still polling, it would run up to 10 ms after each of the 10 replies
            assert ran < 0.02, f"the child ran {ran * 1000:.1f} ms over 10 idle gaps: it still polls"
    finally:
        os.sched_setaffinity(0, mine)
        for hog in hogs:
            hog.kill()
            hog.wait()


NUMERIC_ENV = '''
import os

def numeric_settings():
    return {name: os.environ.get(name) for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MKL_CBWR", "HOME_SECRET")}
'''


@pytest.mark.parametrize("mode", MODES)
def test_the_child_computes_with_the_graders_blas_settings(mode, monkeypatch):
    """A machine that pins OpenBLAS to one core type (for reproducible sums) must pin the
    child too: without it the child's OpenBLAS chose the CPU's own kernels and rounded
    differently from the grader (found on an AMD EPYC with OPENBLAS_CORETYPE=Haswell set:
    a grader function run in the child was 1 ulp off the grader's). Nothing else of the
    environment is passed."""
    from mathdl_cli.sandbox.zygote import child_env

    monkeypatch.setenv("OPENBLAS_L2_SIZE", "512")
    monkeypatch.setenv("MKL_CBWR", "COMPATIBLE")
    monkeypatch.setenv("HOME_SECRET", "s3cret")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "x" * 300)  # not a plain short value: not passed
    env = child_env("/home")
    assert env["OPENBLAS_L2_SIZE"] == "512" and env["OPENBLAS_NUM_THREADS"] == "1" and "HOME_SECRET" not in env
    with Sandbox(isolation=isolation(mode)) as sb:
        reply = sb.call(sb.add_file("numeric_env.py", NUMERIC_ENV.encode()), "numeric_settings", [], {}, timeout=30)
    assert reply.kind == "return", reply
    assert reply.value == {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": "512", "MKL_CBWR": "COMPATIBLE", "HOME_SECRET": None}


AHEAD = '''
import sys, time
AT_IMPORT = ["numpy.random" in sys.modules, "colorsys" in sys.modules]
if "slow" in __name__:
    time.sleep(3)

def seen():
    return AT_IMPORT
'''


def test_a_module_loaded_ahead_is_imported_after_what_its_checks_need():
    """``mathdl check`` sends the load of the student's module as soon as it is known
    (Sandbox.load_ahead); the first check's load takes its reply. Only the modules
    a load may ask for (numpy.random) are imported before it."""
    from mathdl_cli.sandbox.box import LOAD

    with Sandbox(isolation=ProcessIsolation()) as sb:
        path = sb.add_file("ahead.py", AHEAD.encode())
        sb.load_ahead(path, modules=("numpy.random", "colorsys"))
        assert sb._ahead is not None
        assert sb.call(path, LOAD, [], {}, timeout=10).kind == "return" and sb._ahead is None
        assert sb.call(path, "seen", [], {}, timeout=10).value == [True, False]
        # any other call first reads the load's reply and goes on
        sb.kill()
        sb.load_ahead(path)
        assert sb.call(path, "seen", [], {}, timeout=10).value == [False, False]
        # a child killed with a load on its way: the next load is sent again
        sb.load_ahead(path)
        sb.kill()
        assert sb._ahead is None and sb.call(path, LOAD, [], {}, timeout=10).kind == "return"


def test_a_load_sent_ahead_keeps_its_deadline_and_its_import_error():
    from mathdl_cli.sandbox.box import LOAD

    with Sandbox(isolation=ProcessIsolation()) as sb:
        slow = sb.add_file("slow_ahead.py", AHEAD.encode())
        sb.load_ahead(slow, timeout=0.5)
        time.sleep(0.3)
        started = time.monotonic()
        reply = sb.call(slow, LOAD, [], {}, timeout=60)
        assert reply.kind == "timeout" and time.monotonic() - started < 2.0  # its time ran from the send
        broken = sb.add_file("broken_ahead.py", b"import numpy as np\nraise ValueError('at import')\n")
        sb.load_ahead(broken)
        first = sb.call(broken, LOAD, [], {}, timeout=10)
        assert first.kind == "import_error" and "at import" in first.message
        assert sb.call(broken, "seen", [], {}, timeout=10).kind == "import_error"  # the child remembers it


ODD_TMP = r'''
import sys
from mathdl_cli.sandbox import Sandbox
from mathdl_cli.sandbox.probe import probe_isolation

with Sandbox(isolation=probe_isolation(sys.argv[1])) as sb:
    path = sb.add_file("odd.py", b"import os\ndef here():\n    return os.listdir('.')\n")
    reply = sb.call(path, "here", [], {}, timeout=30)
    print(reply.kind, reply.value, reply.detail)
'''


@pytest.mark.parametrize("mode", MODES)
def test_a_sandbox_starts_under_a_temporary_folder_with_an_odd_name(mode, tmp_path):
    """The sandbox's folders (bind sources, as root read by one ``mount --all`` from an
    fstab) may lie under a TMPDIR whose name has a space, a '#', a tab or a newline:
    none of them splits a line of that fstab or starts a comment there."""
    isolation(mode)
    odd = tmp_path / "my tmp #1\tx\ny"
    odd.mkdir()
    os.chmod(tmp_path, 0o755)
    env = {**os.environ, "TMPDIR": str(odd)}
    run = subprocess.run([sys.executable, "-c", ODD_TMP, mode], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split(" ", 1)[0] == "return", run.stdout + run.stderr[-2000:]


def test_fstab_fields_escape_every_byte_that_is_not_plain():
    from mathdl_cli.sandbox.bwrap import _fstab_field

    assert _fstab_field("/usr/lib/python3.11") == "/usr/lib/python3.11"
    assert _fstab_field("/tmp/a b#c\td\ne\\f") == r"/tmp/a\040b\043c\011d\012e\134f"
    assert _fstab_field("/tmp/é") == r"/tmp/\303\251"  # each byte of its UTF-8


_FORKED_CLEANUP = """
import os, sys
from mathdl_cli.sandbox import Limits, Sandbox, cleanup, fs
from mathdl_cli.sandbox.probe import probe_isolation
from mathdl_cli.sandbox.zygote import shared_zygote
from mathdl_cli.batch import lock
from pathlib import Path
iso = probe_isolation(sys.argv[1])
zygote = shared_zygote((), iso) if iso.forks else None
box = Sandbox(isolation=iso, zygote=zygote is not None, limits=Limits(memory_mb=512))
path = box.add_file("m.py", b"def f():\\n    return 2.0\\n")
assert box.call(path, "f", [], {}, timeout=60).value == 2.0
lock.hold(Path(sys.argv[2]))
pid = os.fork()
if pid == 0:  # what a grading worker forked from this process does as it ends
    cleanup()
    os._exit(0)
os.waitpid(pid, 0)
ok = fs.private_base().is_dir() and box.call(path, "f", [], {}, timeout=60).value == 2.0
try:
    lock.hold(Path(sys.argv[2]))  # (this process holds it already: nothing changes)
except lock.OutputBusy:
    ok = False
busy = os.system(f"{sys.executable} -c 'from mathdl_cli.batch import lock; from pathlib import Path; lock.hold(Path(\\"{sys.argv[2]}\\"))' 2>/dev/null")
print("kept" if ok and busy != 0 else "lost", zygote is not None and zygote.alive())
box.close()
"""


@pytest.mark.parametrize("mode", MODES)
def test_a_fork_of_the_grader_leaves_its_children_folders_and_lock_alone(mode, tmp_path):
    """Grading workers are forks of the grading process: when one ends, its
    cleanup must not touch what it inherited (the sandboxes' folder, the
    children, the zygote, the cgroups, the lock on --out)."""
    isolation(mode)
    res = subprocess.run([sys.executable, "-c", _FORKED_CLEANUP, mode, str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    kept, zygote_alive = res.stdout.split()
    assert kept == "kept"
    assert zygote_alive == ("True" if isolation(mode).forks else "False")


def _holding_pid(pid: int, attempts: int = 20) -> subprocess.Popen | None:
    """A new process (sleep) given ``pid``, through the kernel's ns_last_pid (as root); None
    when another process took it first each time, or the kernel will not be told."""
    for _ in range(attempts):
        try:
            Path("/proc/sys/kernel/ns_last_pid").write_text(str(pid - 1))
        except OSError:
            return None
        victim = subprocess.Popen(["sleep", "60"])
        if victim.pid == pid:
            return victim
        victim.kill()
        victim.wait()
    return None


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_a_dead_childs_pid_given_to_another_process_is_never_signalled(variant):
    """The child exits by itself; once reaped (by us, or by the zygote for a fork) its pid
    may be handed to any new process: pid_max is often 32768 and a batch wraps it. The
    sandbox's kill and close must then signal nothing: here a process that the kernel
    gave the very pid survives them."""
    if os.geteuid() != 0:
        pytest.skip("only root can hand a chosen pid to a new process (ns_last_pid)")
    mode, zygote = variant[:2]
    with Sandbox(isolation=isolation(mode), zygote=zygote) as sb:
        path = sb.add_file("m.py", b"import os\ndef f():\n    return 1.0\ndef leave():\n    os._exit(3)\n")
        assert sb.call(path, "f", [], {}, timeout=60).value == 1.0
        proc, pid = sb.proc, sb.proc.pid
        assert sb.call(path, "leave", [], {}, timeout=60).kind == "crashed"  # the grader saw it go (and killed what was left)
        sb.proc = proc  # as a sandbox still holding its dead child, signalled again at close
        assert _gone(pid)
        deadline = time.monotonic() + 5
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:  # reaped: the zygote reaps its forks
            proc.poll()
            time.sleep(0.01)
        victim = _holding_pid(pid)
        if victim is None:
            pytest.skip(f"pid {pid} could not be handed to a new process")
        try:
            sb.kill()
            time.sleep(0.2)
            assert victim.poll() is None, f"pid {pid}, now another process's, was killed"
        finally:
            victim.kill()
            victim.wait()


def test_a_stale_cgroup_folder_with_this_processs_next_name_is_stepped_over(monkeypatch):
    """A process that died without cleaning up leaves mathdl-<pid>-<n>; once its pid is
    given to a new grader, the sweep leaves the folder (its pid is alive) and the new
    grader's names can meet it. Its next child must still get a cgroup of its own (it
    ran without one: no limit on its tree's memory and tasks)."""
    _need_cgroups()
    monkeypatch.setattr(cgroups, "_free", [])  # a folder is made, not reused
    parents, _ = cgroups._parents()
    n = next(cgroups._counter)
    stale = [parent / f"mathdl-{os.getpid()}-{n + k}" for parent in parents for k in (1, 2)]
    for folder in stale:
        folder.mkdir()
    group = None
    try:
        group = cgroups.create()
        assert group is not None
        assert all(folder.name not in {s.name for s in stale} for folder in group.folders)
        assert {folder.parent for folder in group.folders} == set(parents)
    finally:
        if group is not None:
            cgroups.release(group)
        for folder in stale:
            folder.rmdir()
