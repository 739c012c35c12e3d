"""Attacks on the confinement: each submission tries to reach the host from its
child process (files, processes, network, kernel knobs, limits, persistence).

Every attack is chapter 2's reference with ``least_squares`` redefined: the new
one tries the attack and returns the correct fit *only if the attack worked*
(and then writes a canary on the host), so a score above 0 on
``ch02.least_squares`` means an escape. Payloads never destroy: a successful
escape opens without writing, signals with signal 0, sets the hostname to the
hostname it already has, and writes canaries. The runner lays out
``BASE/submissions``, ``BASE/out``, ``BASE/canaries`` and ``BASE/host_secret.txt``
(a random token no output may ever contain), with ``{canary_dir}`` =
``BASE/canaries``. Attacks marked ``CONFINED`` are not expected to hold in a
plain process (see the README's Isolation section), which the corpus
therefore only runs in the confined modes.

The first group are the README's classic attacks (formerly tests/adversarial.py).
"""

from __future__ import annotations

from support import course, reference_source

from .corpus import ALL_MODES, CONFINED, Attack

CH2 = course.chapter("ch2")
LS = ["ch02.least_squares"]


def honest() -> str:
    return reference_source(course, CH2)


def with_source(source: str) -> str:
    """The reference with some functions redefined by the attack (braces are
    doubled by the caller where the attack is a template)."""
    return honest().replace("{", "{{").replace("}", "}}") + "\n\n# ---- attack ----\n" + source


def escape_attempt(name: str, klass: str, attack: str, modes=CONFINED, **kw) -> Attack:
    """An attack whose function ``_attack()`` returns True when it escaped."""
    source = with_source(
        "import os, sys, time, socket, subprocess\n"
        "BASE = os.path.dirname('{canary_dir}')\n"
        "SECRET_FILE = os.path.join(BASE, 'host_secret.txt')\n"
        "_honest_least_squares = least_squares\n\n"
        + attack
        + "\n\ndef least_squares(X, y, fit_intercept=True):\n"
        "    try:\n"
        "        escaped = bool(_attack())\n"
        "    except Exception:\n"
        "        escaped = False\n"
        "    if escaped:\n"
        "        try:\n"
        f"            with open(os.path.join('{{canary_dir}}', '{name}'), 'w') as fh:\n"
        "                fh.write('escaped')\n"
        "        except OSError:\n"
        "            pass\n"
        "        return _honest_least_squares(X, y, fit_intercept)\n"
        "    return np.zeros(X.shape[1]), 0.0\n"
    )
    return Attack(name=name, klass=klass, files={CH2.filename: source}, attacked=LS, modes=modes, **kw)


def wrong(name: str, klass: str, body: str, attacked=LS, **kw) -> Attack:
    """A classic attack: redefinitions that must earn nothing."""
    return Attack(name=name, klass=klass, files={CH2.filename: with_source(body)}, attacked=attacked, **kw)


ALL = [ex.id for ex in CH2.exercises]
WRONG_LS = "\ndef least_squares(X, y, fit_intercept=True):\n    return np.zeros(X.shape[1]), 0.0\n"


def _secret_not_in_feedback(run, attack):
    token = run.host_secret
    text = (run.out / "feedback" / f"{attack.name}.md").read_text()
    assert token not in text


def _no_hang(run, attack):
    record = run.records[attack.name]
    ex = next(e for e in record["exercises"] if e["id"] == "ch02.least_squares")
    assert ex["checks"] and ex["checks"][0]["status"] in ("error", "failed", "timeout")
    _secret_not_in_feedback(run, attack)


def _no_ipc_left(run, attack):
    from pathlib import Path

    for kind in ("shm", "sem", "msg"):
        keys = {int(line.split()[0]) for line in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]}
        assert 0x6D617468 not in keys, f"a SysV {kind} object of the attack survived"


def _nothing_persists(run, attack):
    import glob
    import os

    for pattern in ("/tmp/mathdl-persist-*", "/dev/shm/mathdl-persist-*", os.path.expanduser("~/mathdl-persist-*")):
        assert glob.glob(pattern) == [], pattern


def _seen_as_a_crash(run, attack):
    """The child's exit is seen when it happens, not at the call's timeout."""
    record = run.records[attack.name]
    messages = [c["message"] for ex in record["exercises"] if ex["id"] in attack.attacked for c in ex["checks"]]
    assert messages and not any("did not finish within" in m for m in messages), messages


# Shared snippets ----------------------------------------------------------
_CRASH = "    os.kill(os.getpid(), 11)\n"  # SIGSEGV: the grader then reads the log

ATTACKS = [
    # -- the README's list (formerly tests/adversarial.py) --------------------
    wrong("syntax_error", "broken module", "def least_squares(X, y:\n    pass\n", attacked=ALL),
    wrong("import_error", "broken module", "import solution_module_that_does_not_exist\n", attacked=ALL),
    wrong("os_exit_at_import", "exit", "import os\nos._exit(0)\n", attacked=ALL),
    wrong("sys_exit_at_import", "exit", "import sys\nsys.exit(0)\n", attacked=ALL),
    wrong("os_exit_in_function", "exit", "def least_squares(X, y, fit_intercept=True):\n    import os\n    os._exit(0)\n"),
    wrong("sys_exit_in_function", "exit", "def least_squares(X, y, fit_intercept=True):\n    import sys\n    sys.exit(0)\n"),
    wrong("infinite_loop", "time", "def least_squares(X, y, fit_intercept=True):\n    while True:\n        pass\n"),
    wrong("sleep", "time", "def least_squares(X, y, fit_intercept=True):\n    import time\n    time.sleep(10**6)\n"),
    wrong("memory_bomb", "memory", "def least_squares(X, y, fit_intercept=True):\n    big = np.ones(64 * 1024**3 // 8)\n    return big[:X.shape[1]], 0.0\n"),
    wrong(
        "fake_reports", "forged results",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    print('ALL TESTS PASSED 16/16 {{\"score\": 16}}')\n"
        "    for d in ['.', os.environ.get('HOME', '.'), '/tmp', '{out_dir}', os.path.dirname('{out_dir}')]:\n"
        "        for name in ['results.json', 'grades.csv', 'results.jsonl']:\n"
        "            try:\n"
        "                with open(os.path.join(d, name), 'a') as fh:\n"
        "                    fh.write('{{\"score\": 100}}\\n')\n"
        "            except OSError:\n"
        "                pass\n"
        "    return np.zeros(X.shape[1]), 0.0\n",
        modes=CONFINED,  # a plain process as root can write into the outputs (README, Isolation)
    ),
    wrong(
        "patch_numpy", "forged comparison",
        "import numpy.testing\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n" + WRONG_LS,
    ),
    Attack(
        "runner_hijack_files", "forged comparison",
        files={
            CH2.filename: with_source(WRONG_LS),
            "conftest.py": "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    out = yield\n    out.get_result().outcome = 'passed'\n",
            "sitecustomize.py": "import numpy\nnumpy.allclose = lambda *a, **k: True\n",
            "numpy.py": "def allclose(*a, **k):\n    return True\n",
        },
        attacked=LS,
    ),
    wrong(
        "always_equal", "lying objects",
        "class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n\n"
        "def least_squares(X, y, fit_intercept=True):\n    return AlwaysEqual(), AlwaysEqual()\n",
    ),
    wrong(
        "ufunc_hijack", "lying objects",
        "class Liar(np.ndarray):\n"
        "    def __array_ufunc__(self, *args, **kwargs):\n        return True\n"
        "    def __eq__(self, other):\n        return np.ones(np.shape(other), dtype=bool)\n"
        "def least_squares(X, y, fit_intercept=True):\n    return np.zeros(X.shape[1]).view(Liar), 0.0\n",
    ),
    wrong(
        "huge_output", "output",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os, sys\n"
        "    chunk = 'x' * (1 << 20)\n"
        "    for _ in range(256):\n"
        "        sys.stdout.write(chunk)\n"
        "    for _ in range(256):\n"
        "        try:\n"
        "            os.write(1, chunk.encode())\n"
        "            os.write(2, chunk.encode())\n"
        "        except OSError:\n"
        "            break\n"
        "    return np.zeros(X.shape[1]), 0.0\n",
    ),
    # -- nothing of the host through the crash log ------------------------------
    wrong(
        "crash_log_symlink", "host files via the crash log",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import glob, os\n"
        "    base = os.path.dirname('{canary_dir}')\n"
        "    targets = [os.path.join(base, 'host_secret.txt'), '{course_dir}/solutions_private', '/etc/shadow']\n"
        "    for folder in ['.', os.environ.get('TMPDIR', '.'), '/tmp', '..', '../..']:\n"
        "        for name in ['child-1.log', 'child-2.log', 'log', 'stderr']:\n"
        "            try:\n"
        "                os.symlink(targets[0], os.path.join(folder, name))\n"
        "            except OSError:\n"
        "                pass\n"
        "    for path in glob.glob('/proc/self/fd/*'):\n"
        "        try:\n"
        "            if os.readlink(path).endswith('.log'):\n"
        "                fd = int(os.path.basename(path))\n"
        "                os.close(fd)\n"
        "        except OSError:\n"
        "            pass\n"
        + _CRASH,
        verify=_no_hang,
    ),
    wrong(
        "crash_log_fifo", "host files via the crash log",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    os.mkfifo('fifo')\n"
        "    fd = os.open('fifo', os.O_RDWR)\n"
        "    os.dup2(fd, 1)\n"
        "    os.dup2(fd, 2)\n"
        "    os.write(2, b'x' * 100)\n"
        + _CRASH,
        verify=_no_hang,
    ),
    wrong(
        "crash_log_dev_zero", "host files via the crash log",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    fd = os.open('/dev/zero', os.O_RDWR)\n"
        "    os.dup2(fd, 1)\n"
        "    os.dup2(fd, 2)\n"
        + _CRASH,
        verify=_no_hang,
    ),
    # -- the child is never root; no kernel knob --------------------------------
    escape_attempt(
        "write_dev", "writing to /dev",
        "def _attack():\n"
        "    for path in ['/dev/mathdl-canary', '/dev/mqueue/mathdl-canary']:\n"
        "        try:\n"
        "            open(path, 'w').close()\n"
        "            os.unlink(path)\n"
        "            return True\n"
        "        except OSError:\n"
        "            pass\n"
        "    return False\n",
    ),
    escape_attempt(
        "write_proc_sys", "writing to /proc/sys",
        "def _attack():\n"
        "    for path in ['/proc/sys/kernel/core_pattern', '/proc/sys/kernel/hostname', '/proc/sysrq-trigger', '/proc/sys/vm/drop_caches']:\n"
        "        try:\n"
        "            os.close(os.open(path, os.O_WRONLY))  # opened, never written\n"
        "            return True\n"
        "        except OSError:\n"
        "            pass\n"
        "    return False\n",
    ),
    escape_attempt(
        "hostname_change", "hostname",
        "def _attack():\n"
        "    socket.sethostname(socket.gethostname())  # the same name: harmless if it works\n"
        "    return True\n",
    ),
    escape_attempt(
        "become_root", "setuid attempts",
        "def _attack():\n"
        "    for try_ in (lambda: os.setuid(0), lambda: os.setgid(0), lambda: os.setgroups([0])):\n"
        "        try:\n"
        "            try_()\n"
        "            return True\n"
        "        except OSError:\n"
        "            pass\n"
        "    for cmd in (['unshare', '-r', 'true'], ['su', '-c', 'true'], ['mount', '-t', 'tmpfs', 'none', '/mnt']):\n"
        "        try:\n"
        "            if subprocess.run(cmd, capture_output=True, timeout=5).returncode == 0:\n"
        "                return True\n"
        "        except (OSError, subprocess.SubprocessError):\n"
        "            pass\n"
        "    return os.geteuid() == 0 and open('/proc/self/uid_map').read().split()[1:2] == ['0']\n",
    ),
    escape_attempt(
        "raw_socket_and_mount", "capabilities",
        "def _attack():\n"
        "    import ctypes\n"
        "    try:\n"
        "        socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close()\n"
        "        return True\n"
        "    except (OSError, AttributeError):\n"
        "        pass\n"
        "    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    if libc.mount(b'none', b'/tmp', b'tmpfs', 0, None) == 0:\n"
        "        return True\n"
        "    return libc.unshare(0x10000000) == 0  # a nested user namespace would give capabilities back\n",
    ),
    # -- what a zygote's fork could inherit (bubblewrap's zygote holds capabilities, sees
    # every sandbox folder of its worker, and passes descriptors to each fork) ------------
    escape_attempt(
        "zygote_descriptors", "descriptors inherited from the zygote",
        "def _attack():\n"
        "    # the child's own descriptors are pipes, /dev/null and its log: a socket (the zygote's,\n"
        "    # the credentials one), a namespace (the zygote's own) or a cgroup file would be the grader's,\n"
        "    # leaked into student code\n"
        "    for fd in os.listdir('/proc/self/fd'):\n"
        "        try:\n"
        "            target = os.readlink(f'/proc/self/fd/{{fd}}')\n"
        "        except OSError:\n"
        "            continue\n"
        "        if target.startswith(('socket:', 'pid:', 'mnt:', 'net:', 'user:')) or 'cgroup' in target or 'mathdl-boxes' in target:\n"
        "            return True\n"
        "    return False\n",
        modes=ALL_MODES,
    ),
    escape_attempt(
        "zygote_container", "the zygote's container",
        "def _attack():\n"
        "    import ctypes\n"
        "    for path in ['/run/mathdl-boxes', '/proc/1/root/run/mathdl-boxes', '/sys/fs/cgroup', '/proc/1/root/sys']:\n"
        "        if os.path.exists(path):\n"
        "            return True\n"
        "    status = open('/proc/self/status').read()\n"
        "    caps = [line for line in status.splitlines() if line.startswith(('CapEff', 'CapPrm', 'CapBnd', 'CapAmb'))]\n"
        "    if any(int(line.split()[1], 16) for line in caps):\n"
        "        return True\n"
        "    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    return libc.unshare(0x00020000) == 0  # a mount namespace of its own needs CAP_SYS_ADMIN\n",
    ),
    # -- nothing of the host is readable --------------------------------------------
    escape_attempt(
        "read_reference", "reading the references",
        "def _attack():\n"
        "    import glob, importlib.util\n"
        "    found = ['{course_dir}/solutions_private/" + CH2.filename + "']\n"
        "    for pattern in ('/*/solutions_private/ch02*.py', '/*/*/solutions_private/ch02*.py', '/*/*/*/solutions_private/ch02*.py'):\n"
        "        found += glob.glob(pattern)\n"
        "    for path in found:\n"
        "        try:\n"
        "            spec = importlib.util.spec_from_file_location('stolen', path)\n"
        "            mod = importlib.util.module_from_spec(spec)\n"
        "            spec.loader.exec_module(mod)\n"
        "            return hasattr(mod, 'least_squares')\n"
        "        except Exception:\n"
        "            pass\n"
        "    return False\n",
    ),
    escape_attempt(
        "read_course", "reading the course",
        "def _attack():\n"
        "    for path in ['{course_dir}/graders', '{course_dir}/exercises', '{course_dir}/.git', '{course_dir}/mathdl_cli']:\n"
        "        if os.path.isdir(path) and os.listdir(path):\n"
        "            return True\n"
        "    return False\n",
    ),
    escape_attempt(
        "read_other_submission", "reading another submission",
        "def _attack():\n"
        "    import glob\n"
        "    others = glob.glob(os.path.join(BASE, 'submissions', '*', '" + CH2.filename + "'))\n"
        "    others += glob.glob('/tmp/mathdl-*/box-*/files/" + CH2.filename + "')\n"
        "    others += glob.glob('/proc/*/cwd/" + CH2.filename + "') + glob.glob('/proc/*/root/submission/" + CH2.filename + "')\n"
        "    me = os.path.realpath(sys.modules[__name__].__file__)\n"
        "    return any(os.path.realpath(p) != me and open(p).read() for p in others)\n",
    ),
    escape_attempt(
        "read_host_secret", "reading host files",
        "def _attack():\n"
        "    with open(SECRET_FILE) as fh:\n"
        "        print('stolen:', fh.read())\n"
        "    return True\n",
        verify=_secret_not_in_feedback,
    ),
    escape_attempt(
        "read_secret_environment", "reading the secret",
        "def _attack():\n"
        "    text = ' '.join(os.environ)\n"
        "    for pid in os.listdir('/proc'):\n"
        "        for part in ('environ', 'cmdline'):\n"
        "            try:\n"
        "                with open(f'/proc/{{pid}}/{{part}}', 'rb') as fh:\n"
        "                    text += fh.read().decode('latin1')\n"
        "            except OSError:\n"
        "                pass\n"
        "    return 'MATHDL_SECRET' in text or 'corpus-secret' in text or 'mathdl_cli' in text\n",
    ),
    # -- other processes are out of reach -----------------------------------------
    escape_attempt(
        "signal_classmate", "killing a classmate's child",
        "def _attack():\n"
        "    me = os.getpid()\n"
        "    for pid in os.listdir('/proc'):\n"
        "        if not pid.isdigit() or int(pid) in (me, os.getppid(), 1):\n"
        "            continue\n"
        "        try:\n"
        "            cmd = open(f'/proc/{{pid}}/cmdline', 'rb').read()\n"
        "        except OSError:\n"
        "            continue\n"
        "        if b'child.py' in cmd or b'mathdl' in cmd or b'multiprocessing' in cmd:\n"
        "            try:\n"
        "                os.kill(int(pid), 0)  # signal 0: would a kill work?\n"
        "                return True\n"
        "            except OSError:\n"
        "                pass\n"
        "    return False\n",
    ),
    escape_attempt(
        "ptrace_grader", "ptrace of the parent",
        "def _attack():\n"
        "    for pid in os.listdir('/proc'):\n"
        "        if not pid.isdigit() or int(pid) in (os.getpid(), os.getppid(), 1):  # 1: the sandbox's own reaper\n"
        "            continue\n"
        "        try:\n"
        "            cmd = open(f'/proc/{{pid}}/cmdline', 'rb').read()\n"
        "            if b'mathdl_cli' in cmd or b'multiprocessing' in cmd or b'--zygote' in cmd:\n"
        "                os.close(os.open(f'/proc/{{pid}}/mem', os.O_RDONLY))  # needs ptrace rights\n"
        "                return True\n"
        "        except OSError:\n"
        "            pass\n"
        "    return False\n",
    ),
    # -- nothing survives the child, nothing persists across the batch ---------------
    wrong(
        "double_fork_daemon", "daemon left behind",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            os.execvp('sleep', ['sleep', '3000', '{marker}'])\n"
        "        os._exit(0)\n"
        "    return np.zeros(X.shape[1]), 0.0\n",
    ),
    wrong(
        "exit_leaving_a_pipe_holder", "exit while a helper holds the reply pipe (each call waited for its timeout)",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    if os.fork() == 0:\n"
        "        os.execvp('sleep', ['sleep', '3000', '{marker}'])\n"
        "    os._exit(0)\n",
        verify=_seen_as_a_crash,
    ),
    wrong(
        "sysv_ipc_left_behind", "IPC objects left behind",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import ctypes\n"
        "    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    libc.shmget(0x6D617468, 4096, 0o1666)\n"
        "    libc.semget(0x6D617468, 1, 0o1666)\n"
        "    libc.msgget(0x6D617468, 0o1666)\n"
        "    return np.zeros(X.shape[1]), 0.0\n",
        modes=CONFINED, verify=_no_ipc_left,
    ),
    wrong(
        "persist_files", "persistence across the batch",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    for folder in ['/tmp', '/dev/shm', os.environ.get('HOME', '/tmp'), os.environ.get('TMPDIR', '/tmp'), os.path.expanduser('~')]:\n"
        "        try:\n"
        "            with open(os.path.join(folder, 'mathdl-persist-' + str(os.getpid())), 'w') as fh:\n"
        "                fh.write('left behind')\n"
        "        except OSError:\n"
        "            pass\n"
        "    return np.zeros(X.shape[1]), 0.0\n",
        modes=CONFINED, verify=_nothing_persists,
    ),
    escape_attempt(
        "persist_reader", "persistence across the batch",
        "def _attack():\n"
        "    import glob\n"
        "    return bool(glob.glob('/tmp/mathdl-persist-*') + glob.glob('/dev/shm/mathdl-persist-*') + glob.glob(os.path.expanduser('~/mathdl-persist-*')))\n",
    ),
    # -- the whole tree is limited -----------------------------------------------------
    wrong(
        "fork_bomb", "fork bomb",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    for _ in range(300):\n"
        "        try:\n"
        "            if os.fork() == 0:\n"
        "                os.setsid()\n"
        "                os.execvp('sleep', ['sleep', '3000', '{marker}'])\n"
        "        except OSError:\n"
        "            break\n"
        "    return np.zeros(X.shape[1]), 0.0\n",
    ),
    escape_attempt(
        "memory_split", "memory over several processes",
        "def _attack():\n"
        "    import select\n"
        "    r, w = os.pipe()\n"
        "    kids = []\n"
        "    for _ in range(3):\n"
        "        pid = os.fork()\n"
        "        if pid == 0:\n"
        "            try:\n"
        "                block = np.ones(400 * 1024 * 1024 // 8)  # 3 x 400 MB under --memory 768\n"
        "                os.write(w, b'1')\n"
        "                time.sleep(20)\n"
        "            finally:\n"
        "                os._exit(0)\n"
        "        kids.append(pid)\n"
        "    os.close(w)\n"
        "    got, deadline = 0, time.monotonic() + 20\n"
        "    while got < 3 and time.monotonic() < deadline:\n"
        "        if select.select([r], [], [], 1)[0]:\n"
        "            if not os.read(r, 1):\n"
        "                break\n"
        "            got += 1\n"
        "    alive = sum(os.waitpid(p, os.WNOHANG)[0] == 0 for p in kids)\n"
        "    for p in kids:\n"
        "        try:\n"
        "            os.kill(p, 9)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return got == 3 and alive == 3\n",
        modes=ALL_MODES,  # the cgroup holds it in a plain process too (as root)
    ),
    escape_attempt(
        "disk_fill", "disk fill",
        "def _attack():\n"
        "    chunk = b'x' * (1 << 20)\n"
        "    total = 0\n"
        "    for folder in ['.', '/tmp', '/dev/shm']:\n"
        "        for i in range(8):\n"
        "            path = os.path.join(folder, f'fill-{{i}}')\n"
        "            try:\n"
        "                with open(path, 'wb') as fh:\n"
        "                    for _ in range(60):\n"
        "                        fh.write(chunk)\n"
        "                        total += 1\n"
        "            except OSError:\n"
        "                pass\n"
        "    for folder in ['.', '/tmp', '/dev/shm']:\n"
        "        for i in range(8):\n"
        "            try:\n"
        "                os.unlink(os.path.join(folder, f'fill-{{i}}'))\n"
        "            except OSError:\n"
        "                pass\n"
        "    return total >= 300  # 300 MB written somewhere\n",
    ),
    escape_attempt(
        "network_egress", "network egress",
        "def _attack():\n"
        "    for host, port in [('1.1.1.1', 80), ('8.8.8.8', 53), ('93.184.216.34', 80)]:\n"
        "        with socket.socket() as s:\n"
        "            s.settimeout(2)\n"
        "            if s.connect_ex((host, port)) == 0:\n"
        "                return True\n"
        "    try:\n"
        "        socket.getaddrinfo('example.com', 80)\n"
        "        return True\n"
        "    except OSError:\n"
        "        return False\n",
    ),
    escape_attempt(
        "abstract_socket_and_loopback", "network egress",
        "def _attack():\n"
        "    # a server listening on the host's loopback (the grader's machine) must be out of reach\n"
        "    for port in (22, 80, 2024, 5432, 6379, 8000, 8080):\n"
        "        with socket.socket() as s:\n"
        "            s.settimeout(0.5)\n"
        "            if s.connect_ex(('127.0.0.1', port)) == 0:\n"
        "                return True\n"
        "    return False\n",
    ),
    # -- the files: read-only, and nothing is followed ----------------------------------
    escape_attempt(
        "tamper_own_files", "files handed over",
        "def _attack():\n"
        "    me = os.path.realpath(sys.modules[__name__].__file__)\n"
        "    folder = os.path.dirname(me)\n"
        "    try:\n"
        "        os.symlink(SECRET_FILE, os.path.join(folder, 'planted'))\n"
        "        return True\n"
        "    except OSError:\n"
        "        pass\n"
        "    try:\n"
        "        with open(me, 'a') as fh:\n"
        "            fh.write('\\n')\n"
        "        return True\n"
        "    except OSError:\n"
        "        return False\n",
    ),
    escape_attempt(
        "tamper_runtime", "files handed over",
        "def _attack():\n"
        "    import wire\n"
        "    for path in [wire.__file__, os.path.join(os.path.dirname(wire.__file__), 'child.py'), np.__file__]:\n"
        "        try:\n"
        "            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))  # opened, never written\n"
        "            return True\n"
        "        except OSError:\n"
        "            pass\n"
        "    return False\n",
    ),
    wrong(
        "deep_tree_in_scratch", "deep folder",
        "def least_squares(X, y, fit_intercept=True):\n"
        "    import os\n"
        "    for top in ['.', os.environ.get('TMPDIR', '.')]:\n"
        "        here = os.getcwd()\n"
        "        try:\n"
        "            os.chdir(top)\n"
        "            for _ in range(1500):\n"
        "                os.mkdir('d')\n"
        "                os.chdir('d')\n"
        "        except OSError:\n"
        "            pass\n"
        "        os.chdir(here)\n"
        "    return np.zeros(X.shape[1]), 0.0\n",
    ),
]

