"""Run student code in a separate, limited child process and talk to it.

The parent (grader) never imports student code. A :class:`Sandbox` owns one
child at a time: it starts ``python -I -B child.py`` in a fresh temporary
directory that holds a private copy of the child runtime and of the allowed
submission files only, with resource limits, a minimal environment and its own
session (process group). Calls go over pipes in the :mod:`mathdl_cli.wire`
format; every read has a deadline. A hung or crashed child is killed with its
whole process group and restarted lazily for the next call.
"""

from __future__ import annotations

import json
import os
import atexit
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


RUNTIME_FILES = ("child.py", "child_dist.py", "wire.py", "zygote.py")
MAX_REPLY_BYTES = 512 * 1024 * 1024
INSIDE_ROOT = "/mnt"  # where the sandbox folder appears inside a mount namespace
MAX_PROCESSES = 64

# Runs as root of fresh mount, network and PID namespaces (made by unshare),
# before Python starts: the loopback interface is brought up (the only network
# there is: chapter 23 joins gloo process groups over 127.0.0.1), the sandbox
# folder is bound at /mnt, the listed folders
# (course, outputs, other submissions) are covered by empty read-only tmpfs,
# /tmp and /dev/shm are fresh, everything else is remounted read-only, the
# process joins its pids cgroup when there is one, and all capabilities are
# dropped before exec, so student code cannot undo any of it.
_PRELUDE = r"""
set -e
root="$1"; shift
cg="$1"; shift
[ -n "$cg" ] && echo $$ > "$cg/cgroup.procs"
ip link set lo up 2>/dev/null || true
mount --make-rprivate /
mount --bind "$root" /mnt
while [ "$1" != "--" ]; do
  if [ -d "$1" ]; then mount -t tmpfs -o size=4k,mode=0,ro none "$1"; fi
  shift
done
shift
mount -t tmpfs -o size=64m,mode=1777 none /tmp
mount -t tmpfs -o size=16m,mode=1777 none /dev/shm
mount -o remount,bind,ro /
for m in $(awk '$5 ~ "^/(sys|boot|etc|usr|opt|var|home|root|srv)" {print $5}' /proc/self/mountinfo); do
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
mount --bind /mnt/runtime /mnt/runtime
mount -o remount,bind,ro /mnt/runtime
exec setpriv --no-new-privs --inh-caps=-all --ambient-caps=-all --bounding-set=-all "$@"
"""


class Isolation:
    """How children are confined. ``probe()`` picks the strongest that works here."""

    name = "process"
    inside_root: str | None = None  # None: paths are the same inside and out

    def command(self, sandbox: "Sandbox", argv: list[str], cgroup: str) -> list[str]:
        return argv


class Namespaces(Isolation):
    """unshare: own mount, network and PID namespaces; read-only file system;
    course, outputs and other submissions hidden; no capabilities."""

    name = "namespaces"
    inside_root = INSIDE_ROOT

    def __init__(self, as_root: bool):
        self.as_root = as_root

    def command(self, sandbox: "Sandbox", argv: list[str], cgroup: str) -> list[str]:
        unshare = ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]
        if not self.as_root:
            unshare[1:1] = ["--user", "--map-root-user"]
        hidden = [str(p) for p in sandbox.hide if Path(p).is_dir()]
        return [*unshare, "sh", "-c", _PRELUDE, "mathdl-sandbox", str(sandbox.root), cgroup, *hidden, "--", *argv]


_probed: Isolation | None = None


def probe_isolation() -> Isolation:
    """The strongest isolation this machine allows (tested once per process)."""
    global _probed
    if _probed is not None:
        return _probed
    choice: Isolation = Isolation()
    wanted = os.environ.get("MATHDL_ISOLATION", "auto")
    if wanted == "namespaces":  # already probed by the parent process
        _probed = Namespaces(as_root=os.geteuid() == 0)
        return _probed
    if wanted != "process" and sys.platform.startswith("linux"):
        if shutil.which("unshare") and shutil.which("setpriv"):
            candidate = Namespaces(as_root=os.geteuid() == 0)
            probe_root = Path(tempfile.mkdtemp(prefix="mathdl-probe-"))
            try:
                (probe_root / "runtime").mkdir()
                fake = type("P", (), {"hide": [], "root": probe_root})()
                argv = candidate.command(fake, [sys.executable, "-I", "-c", "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(0 if s.connect_ex(('1.1.1.1', 80)) else 3)"], "")
                res = subprocess.run(argv, capture_output=True, timeout=20)
                if res.returncode == 0:
                    choice = candidate
            except (OSError, subprocess.TimeoutExpired):
                pass
            finally:
                shutil.rmtree(probe_root, ignore_errors=True)
    _probed = choice
    return choice


def _child_env(home: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "VECLIB_MAXIMUM_THREADS": "1",
    }


class Zygote:
    """A pre-started clean interpreter (numpy imported) that forks children.

    Used for batch grading, where starting Python and importing numpy for every
    submission would dominate the cost. See :mod:`mathdl_cli.zygote`.
    """

    def __init__(self) -> None:
        import socket

        self.dir = Path(tempfile.mkdtemp(prefix="mathdl-zygote-"))
        here = Path(__file__).parent
        for name in RUNTIME_FILES:
            shutil.copyfile(here / name, self.dir / name)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock = ours
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-B", str(self.dir / "child.py"), "--zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.dir,
            env=_child_env(str(self.dir)),
            start_new_session=True,
        )
        theirs.close()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def spawn(self, config: dict, timeout: float = 10.0) -> "_ZygoteChild":
        import socket

        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        try:
            socket.send_fds(self.sock, [json.dumps(config).encode()], [req_r, resp_w])
        finally:
            os.close(req_r)
            os.close(resp_w)
        child = _ZygoteChild(req_w, resp_r)
        deadline = time.monotonic() + timeout
        header = b""
        while len(header) < 8:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([resp_r], [], [], max(left, 0))
            chunk = os.read(resp_r, 8 - len(header)) if ready else b""
            if not chunk:
                child.close_pipes()
                raise OSError("the zygote did not start a child")
            header += chunk
        (child.pid,) = struct.unpack("<Q", header)
        return child

    def close(self) -> None:
        try:
            self.sock.close()
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class _ZygoteChild:
    """The part of the Popen interface that Sandbox uses, for a zygote's fork."""

    def __init__(self, req_w: int, resp_r: int):
        self.pid = 0
        self.stdin = os.fdopen(req_w, "wb", buffering=0)
        self.stdout = os.fdopen(resp_r, "rb", buffering=0)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL
            except PermissionError:
                pass
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = time.monotonic() + (timeout if timeout is not None else 5.0)
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.returncode

    def close_pipes(self) -> None:
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass


_zygote: Zygote | None = None
_swept = False


def shared_zygote() -> Zygote:
    """This process's zygote, started on first use and restarted if it died."""
    global _zygote
    if _zygote is None or not _zygote.alive():
        _zygote = Zygote()
    return _zygote


def _sweep_cgroups(parent: Path) -> None:
    """Remove empty cgroups left by mathdl processes that no longer exist."""
    for folder in parent.glob("*-*"):
        try:
            os.kill(int(folder.name.split("-", 1)[0]), 0)
            continue  # its process is alive: it cleans up after itself
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError):
            continue
        try:
            folder.rmdir()
        except OSError:
            pass


def _make_cgroup() -> str:
    """A pids cgroup capping the child's process count, where one can be made."""
    global _swept
    base = Path("/sys/fs/cgroup/pids")
    if not base.is_dir():
        base = Path("/sys/fs/cgroup")
        if not (base / "cgroup.controllers").exists() or "pids" not in (base / "cgroup.controllers").read_text():
            return ""
    if not _swept:
        _swept = True
        _sweep_cgroups(base / "mathdl")
    reused = _reuse_cgroup()
    if reused:
        return reused
    try:
        folder = base / "mathdl" / f"{os.getpid()}-{time.monotonic_ns()}"
        folder.mkdir(parents=True)
        (folder / "pids.max").write_text(str(MAX_PROCESSES))
        return str(folder)
    except OSError:
        return ""


@dataclass
class Limits:
    """Resource limits for one child. ``None`` leaves a limit unset."""

    memory_mb: int | None = 4096  # address space; torch chapters need more
    cpu_seconds: int | None = 600
    file_mb: int | None = 64
    open_files: int | None = 256
    processes: int | None = None  # RLIMIT_NPROC is per-UID: only safe for a dedicated UID

    def rlimits(self) -> dict[str, int | None]:
        mb = 1024 * 1024
        return {
            "as": self.memory_mb * mb if self.memory_mb else None,
            "cpu": self.cpu_seconds,
            "fsize": self.file_mb * mb if self.file_mb else None,
            "nofile": self.open_files,
            "core": 0,
            "nproc": self.processes,
        }


@dataclass
class Reply:
    """What came back from one call, already decoded into plain data."""

    kind: str  # return | raise | missing | import_error | unencodable | timeout | crashed | protocol_error
    value: Any = None
    mutated: list = field(default_factory=list)  # arguments changed in place, by path (a list per call for batches)
    index: int = 0  # in a batch, the call that raised
    stdout: str = ""
    warnings: list[str] = field(default_factory=list)
    type: str = ""
    message: str = ""
    frames: list = field(default_factory=list)
    not_implemented: bool = False
    elapsed: float = 0.0
    detail: str = ""


class Sandbox:
    """One isolated child process serving calls into submission modules."""

    def __init__(
        self,
        files: dict[str, Path] | None = None,
        limits: Limits | None = None,
        drop_privileges: bool = True,
        isolation: Isolation | None = None,
        hide: list[Path] | None = None,
        zygote: bool = False,
    ):
        self.limits = limits or Limits()
        self.isolation_mode = isolation or probe_isolation()
        # folders student code must not see (in namespaces): the course, outputs, inputs
        from .catalog import course_root

        self.hide = [Path(p).resolve() for p in (hide or [])] + [course_root()]
        self.cgroup = ""
        self.use_zygote = zygote
        self.root = Path(tempfile.mkdtemp(prefix="mathdl-"))
        self.work = self.root / "work"
        self.runtime = self.root / "runtime"
        self.work.mkdir()
        self.runtime.mkdir()
        self._runtime_copied = False
        inside = self.isolation_mode.inside_root
        self.drop_uid = _nobody() if drop_privileges and inside is None and _can_drop_privileges() else None
        self.isolation = self.isolation_mode.name + ("+nobody" if self.drop_uid is not None else "")
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        for name, src in (files or {}).items():
            self.add_file(name, src.read_bytes())

    # -- files ----------------------------------------------------------
    def add_file(self, name: str, data: bytes, folder: str = "") -> str:
        """Place a submission file in the work dir (or a new subfolder of it, so
        that several submissions can share one sandbox under their real file
        names); return its path as the child sees it."""
        for part in (name, folder):
            if os.sep in part or part.startswith("."):
                raise ValueError(f"bad submission file name {part!r}")
        where = self.work / folder if folder else self.work
        where.mkdir(exist_ok=True)
        path = where / name
        path.write_bytes(data)
        return self.inside(path)

    def inside(self, path: Path) -> str:
        """The path as the child sees it."""
        inside = self.isolation_mode.inside_root
        if inside is None:
            return str(path)
        return str(Path(inside) / Path(path).relative_to(self.root))

    # -- process lifecycle ------------------------------------------------
    def _copy_runtime(self) -> None:
        """The child runtime, for children started from scratch (a zygote has its own)."""
        if not self._runtime_copied:
            here = Path(__file__).parent
            for name in RUNTIME_FILES:
                shutil.copyfile(here / name, self.runtime / name)
            self._runtime_copied = True

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        self._reap()
        self.starts += 1
        log = self.root / f"child-{self.starts}.log"
        config = {
            "rlimits": self.limits.rlimits(),
            "log": self.inside(log),
            "student_roots": [self.inside(self.work)],
        }
        if self.drop_uid is not None:
            uid, gid = self.drop_uid
            config["drop_to_uid"], config["drop_to_gid"] = uid, gid
            for path in (self.root, self.work, self.runtime):
                os.chown(path, uid, gid)
            for folder, dirs, files in os.walk(self.work):
                for entry in [*dirs, *files]:
                    os.chown(os.path.join(folder, entry), uid, gid)
            log.touch()
            os.chown(log, uid, gid)
        env = _child_env(self.inside(self.work))
        self.log_path = log
        if self.isolation_mode.inside_root is not None and not self.cgroup:
            self.cgroup = _make_cgroup()
        if self.use_zygote and self._start_from_zygote(config, env):
            return
        self._copy_runtime()
        argv = [sys.executable, "-I", "-B", self.inside(self.runtime / "child.py"), json.dumps(config)]
        self.proc = subprocess.Popen(
            self.isolation_mode.command(self, argv, self.cgroup),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.work,
            env=env,
            start_new_session=True,
            close_fds=True,
        )

    def _start_from_zygote(self, config: dict, env: dict) -> bool:
        spawn = dict(config, env=env, cwd=self.inside(self.work))
        if isinstance(self.isolation_mode, Namespaces):
            spawn["namespaces"] = {"root": str(self.root), "hide": [str(p) for p in self.hide], "as_root": self.isolation_mode.as_root}
        try:
            child = shared_zygote().spawn(spawn)
        except OSError:
            self.use_zygote = False  # fall back to starting Python from scratch
            return False
        if self.cgroup:
            try:
                Path(self.cgroup, "cgroup.procs").write_text(str(child.pid))
            except OSError:
                pass
        self.proc = child  # type: ignore[assignment]
        return True

    def kill(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._reap()

    def _reap(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            proc.kill()
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.last_returncode = proc.returncode

    def close(self) -> None:
        self.kill()
        if self.cgroup:
            _release_cgroup(self.cgroup)
            self.cgroup = ""
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- calls ------------------------------------------------------------
    def call(
        self,
        module: str,
        func: str,
        args: list,
        kwargs: dict,
        *,
        timeout: float,
        errstate: str | None = None,
        calls: list[tuple[list, dict]] | None = None,
        ranks: dict | None = None,
    ) -> Reply:
        """Call ``func`` of the submission module at path ``module``.

        Callables among the arguments stay in the parent: the child gets a
        stand-in that calls back here. The whole call, callbacks included, must
        finish within ``timeout`` seconds of wall time. With ``ranks``
        ({"world_size", "collective_timeout", "deadline"}) the child runs
        ``calls[r]`` on rank r of a torch.distributed process group (see
        child_dist.py); no callables then.
        """
        from . import wire  # imported here: creating and starting a sandbox must not wait for numpy

        callables: list[Callable] = []

        def register(fn: Callable) -> int:
            callables.append(fn)
            return len(callables) - 1

        request: dict[str, Any] = {"op": "call", "module": module, "func": func, "errstate": errstate}
        if calls is None:
            request.update(args=list(args), kwargs=dict(kwargs))
        else:  # several calls of one function in one round trip: value and mutated are lists
            request["calls"] = [[list(a), dict(k)] for a, k in calls]
        if ranks is not None:
            request["ranks"] = dict(ranks)
        payload = wire.encode(request, register_callable=register)
        if ranks is not None and callables:
            raise ValueError("functions cannot be passed to ranks (they run in processes that cannot call back)")
        self.start()
        deadline = time.monotonic() + timeout
        try:
            self._send(payload, deadline)
            while True:
                raw = self._recv(deadline)
                try:
                    msg = wire.decode(raw, make_callback=wire.Callback)
                except wire.WireError as exc:
                    self.kill()
                    return Reply("protocol_error", detail=f"unreadable reply from the child process: {exc}")
                if not isinstance(msg, dict) or not isinstance(msg.get("kind"), str):
                    self.kill()
                    return Reply("protocol_error", detail="unreadable reply from the child process")
                if msg["kind"] == "callback":
                    self._answer_callback(msg, callables, deadline)
                    continue
                if msg["kind"] == "exited":  # reported by a zygote's intermediate process
                    status = msg.get("status")
                    self.kill()
                    self.last_returncode = status if isinstance(status, int) else None
                    return Reply("crashed", detail=self._crash_detail())
                return _reply_from(msg)
        except _Timeout:
            self.kill()
            return Reply("timeout", detail=f"no answer within {timeout:g} s")
        except _ChildGone:
            self.kill()
            return Reply("crashed", detail=self._crash_detail())

    def _answer_callback(self, msg: dict, callables: list[Callable], deadline: float) -> None:
        from . import wire

        ident = msg.get("id")
        result: dict[str, Any] = {"op": "callback_result", "value": None, "error": None}
        if not isinstance(ident, int) or not 0 <= ident < len(callables):
            result["error"] = "unknown callback"
        else:
            try:
                args = msg.get("args") or []
                kwargs = msg.get("kwargs") or {}
                result["value"] = callables[ident](*args, **kwargs)
            except Exception as exc:  # the grader's function rejected the student's input
                result["error"] = f"{type(exc).__name__}: {exc}"
        try:
            data = wire.encode(result)
        except wire.WireError as exc:
            data = wire.encode({"op": "callback_result", "value": None, "error": str(exc)})
        self._send(data, deadline)

    def _crash_detail(self) -> str:
        code = getattr(self, "last_returncode", None)
        tail = ""
        try:
            tail = self.log_path.read_bytes()[-1500:].decode("utf-8", "replace").strip()
        except OSError:
            pass
        if code is not None and code < 0:
            try:
                how = f"was killed by signal {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = f"exited with status {code}"
        hint = ""
        if code == 0 or code == 1:
            hint = " (did your code call sys.exit(), os._exit() or quit()?)"
        elif code is not None and -code in (signal.SIGKILL, signal.SIGXCPU):
            hint = " (it may have exceeded the CPU-time or memory limit)"
        elif code is not None and -code == signal.SIGSEGV:
            hint = " (a segmentation fault: memory corruption in native code)"
        return f"the Python process running your code {how}{hint}" + (f"\n{tail}" if tail else "")

    # -- framing ---------------------------------------------------------
    def _send(self, payload: bytes, deadline: float) -> None:
        from . import wire

        proc = self.proc
        if proc is None or proc.stdin is None:
            raise _ChildGone
        fd = proc.stdin.fileno()
        view = memoryview(wire.frame(payload))
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout
            _, writable, _ = select.select([], [fd], [], remaining)
            if not writable:
                raise _Timeout
            try:
                n = os.write(fd, view[: 1 << 16])
            except (BrokenPipeError, OSError):
                self._wait_exit()
                raise _ChildGone from None
            view = view[n:]

    def _recv(self, deadline: float) -> bytes:
        header = self._read(8, deadline)
        (n,) = struct.unpack("<Q", header)
        if n > MAX_REPLY_BYTES:
            raise _ChildGone
        return self._read(n, deadline)

    def _read(self, n: int, deadline: float) -> bytes:
        proc = self.proc
        if proc is None or proc.stdout is None:
            raise _ChildGone
        fd = proc.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                raise _Timeout
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                self._wait_exit()
                raise _ChildGone
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _wait_exit(self) -> None:
        if self.proc is not None:
            try:
                self.last_returncode = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.last_returncode = None


class _Timeout(Exception):
    pass


class _ChildGone(Exception):
    pass


def _reply_from(msg: dict) -> Reply:
    kind = msg.get("kind")
    known = {"return", "raise", "missing", "import_error", "unencodable", "rank_timeout", "rank_exit", "rank_setup"}
    if kind not in known:
        return Reply("protocol_error", detail=f"unexpected reply kind {str(kind)[:40]!r}")

    def text(key: str, limit: int = 8000) -> str:
        value = msg.get(key, "")
        return value[:limit] if isinstance(value, str) else ""

    frames = msg.get("frames") if isinstance(msg.get("frames"), list) else []
    clean_frames = []
    for fr in frames[:20]:
        if isinstance(fr, list) and len(fr) == 4:
            clean_frames.append([str(fr[0])[:200], fr[1] if isinstance(fr[1], int) else 0, str(fr[2])[:200], str(fr[3])[:300]])
    warns = msg.get("warnings") if isinstance(msg.get("warnings"), list) else []
    elapsed = msg.get("elapsed")
    return Reply(
        kind=kind,
        value=msg.get("value"),
        mutated=msg.get("mutated") if isinstance(msg.get("mutated"), list) else [],
        index=msg.get("index") if isinstance(msg.get("index"), int) else 0,
        stdout=text("stdout"),
        warnings=[str(w)[:300] for w in warns[:5]],
        type=text("type", 200),
        message=text("message", 2000),
        frames=clean_frames,
        not_implemented=msg.get("not_implemented") is True,
        elapsed=float(elapsed) if isinstance(elapsed, (int, float)) else 0.0,
        detail=text("detail", 2000) or text("func", 200),
    )


_stale_cgroups: list[str] = []


_free_cgroups: list[str] = []


def _release_cgroup(folder: str) -> None:
    """A closed sandbox's cgroup, kept for this process's next child (made, written
    and removed once per process rather than once per submission)."""
    _free_cgroups.append(folder)


def _reuse_cgroup() -> str:
    while _free_cgroups:
        folder = _free_cgroups.pop()
        try:
            if not Path(folder, "cgroup.procs").read_text().split():
                return folder  # empty: the previous child is gone
        except OSError:
            continue
        _stale_cgroups.append(folder)
    return ""


def _remove_cgroup(folder: str) -> None:
    """Remove a child's cgroup. Killed processes leave it asynchronously: a cgroup
    not empty yet is retried when the next one is removed (and by cleanup() at
    exit), instead of waiting here."""
    _stale_cgroups.append(folder)
    for stale in list(_stale_cgroups):
        path = Path(stale)
        try:
            path.rmdir()
            _stale_cgroups.remove(stale)
        except FileNotFoundError:
            _stale_cgroups.remove(stale)
        except OSError:
            try:
                for pid in (path / "cgroup.procs").read_text().split():
                    os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass


def cleanup() -> None:
    """Remove this process's cgroups (call before exiting)."""
    _stale_cgroups.extend(_free_cgroups)
    _free_cgroups.clear()
    for _ in range(100):
        if not _stale_cgroups:
            return
        for stale in list(_stale_cgroups):
            try:
                Path(stale).rmdir()
                _stale_cgroups.remove(stale)
            except FileNotFoundError:
                _stale_cgroups.remove(stale)
            except OSError:
                pass
        time.sleep(0.01)


def _can_drop_privileges() -> bool:
    """Root can run children as ``nobody`` if ``nobody`` can still run Python."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    path = Path(sys.prefix).resolve()
    for part in [path, *path.parents]:
        try:
            if not part.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def _nobody() -> tuple[int, int] | None:
    try:
        import pwd

        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except (ImportError, KeyError):
        return None


atexit.register(cleanup)
