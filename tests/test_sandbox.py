"""The child process: results, errors, timeouts, crashes and limits, for real."""

import subprocess

import numpy as np
import pytest

from mathdl_cli.sandbox import Limits, Sandbox

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
'''


@pytest.fixture(scope="module", params=[False, True], ids=["fresh-python", "zygote"])
def box(request):
    with Sandbox(limits=Limits(memory_mb=1024), zygote=request.param) as sb:
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
    assert sb.call(path, "add", [1.0, 2.0], {}, timeout=10).value == 3.0


@pytest.mark.parametrize("func", ["exit_hard", "exit_soft"])
def test_exit_is_never_a_result(box, func):
    sb, path = box
    reply = sb.call(path, func, [0], {}, timeout=10)
    assert reply.kind in ("crashed", "raise")
    assert reply.kind != "return"
    assert sb.call(path, "add", [1.0, 2.0], {}, timeout=10).value == 3.0


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


def test_import_error_is_reported_per_module():
    with Sandbox() as sb:
        bad = sb.add_file("bad.py", b"def f(:\n")
        good = sb.add_file("good.py", b"def f():\n    return 1.0\n")
        reply = sb.call(bad, "f", [], {}, timeout=10)
        assert reply.kind == "import_error" and reply.type == "SyntaxError"
        assert sb.call(good, "f", [], {}, timeout=10).value == 1.0


ESCAPE = """
import os, socket, subprocess

def probe(course_root):
    out = {"course_visible": os.path.exists(os.path.join(course_root, "solutions_private"))}
    s = socket.socket()
    s.settimeout(1)
    out["network"] = s.connect_ex(("1.1.1.1", 80)) == 0
    try:
        open("/usr/mathdl-probe", "w")
        out["wrote_usr"] = True
    except OSError:
        out["wrote_usr"] = False
    forks = 0
    for _ in range(200):
        try:
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "600", "mathdl-escape-probe"])
            forks += 1
        except OSError:
            break
    out["forks"] = forks
    out["visible_pids"] = len([p for p in os.listdir("/proc") if p.isdigit()])
    return out
"""


@pytest.mark.parametrize("zygote", [False, True], ids=["fresh-python", "zygote"])
def test_namespace_isolation_when_available(zygote):
    from mathdl_cli.catalog import course_root
    from mathdl_cli.sandbox import probe_isolation

    with Sandbox(zygote=zygote) as sb:
        path = sb.add_file("escape.py", ESCAPE.encode())
        reply = sb.call(path, "probe", [str(course_root())], {}, timeout=60)
        mode = sb.isolation
    assert reply.kind == "return", reply.message
    facts = reply.value
    leftovers = subprocess.run(["pgrep", "-f", "mathdl-escape-probe"], capture_output=True, text=True).stdout.split()
    assert leftovers == []  # the whole process tree is gone
    if probe_isolation().name == "namespaces":
        assert mode == "namespaces"
        assert facts == {**facts, "course_visible": False, "network": False, "wrote_usr": False}
        assert facts["forks"] < 100  # the pids cgroup (or rlimit) stops a fork loop
    else:  # a plain process: the report must say so
        assert mode.startswith("process")


def test_no_cgroup_is_left_behind():
    import os
    from pathlib import Path

    from mathdl_cli import sandbox as sandbox_module

    def mine():
        return set(Path("/sys/fs/cgroup/pids/mathdl").glob(f"{os.getpid()}-*"))

    before = mine()  # other sandboxes of this test module are still open
    made = set()
    for zygote in (False, True):
        with Sandbox(zygote=zygote) as sb:
            path = sb.add_file("m.py", b"def f():\n    return 1.0\n")
            assert sb.call(path, "f", [], {}, timeout=20).value == 1.0
            made |= {Path(sb.cgroup)} if sb.cgroup else set()
    sandbox_module.cleanup()
    assert mine() - before == set()
    assert all(not p.exists() for p in made)
