"""The grader's side of a zygote (see :mod:`mathdl_cli.zygote`, the child's side).

A zygote is started once per grading process and backend, with numpy (and
torch where a chapter needs it) imported and nothing of the grader; it only
forks. A batch's worker processes share their grading process's zygote
(:class:`ZygoteHandle`, :func:`adopt`): each holds a copy of its socket, on
which every request is one record, and keeps its sandboxes in the grading
process's folder, which is what a contained zygote shows its forks. It runs
unconfined, as the grader's user, for the backends whose forks
confine themselves from scratch (``namespaces``, ``process``), or inside the
backend's own container (``bwrap``, see there: ``contained_zygote``). Each
fork confines itself before any student code, so it promises exactly what its
backend promises.

A contained zygote's forks cannot reach the host's cgroup folders, and their
pids are those of the container: the grader opens their ``cgroup.procs``
files and passes the descriptors, and learns each fork's host pid from the
credentials the kernel attaches (translated) to a message on a socket
(``SO_PASSCRED``).
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import fs

if TYPE_CHECKING:
    import socket

    from .isolation import Isolation

RUNTIME_FILES = ("child.py", "child_dist.py", "wire.py", "kernels.py", "zygote.py", "confine.py")


def copy_runtime(folder: Path) -> None:
    """The child's own code, copied read-only into ``folder`` (the package's
    folder may be inside the course, which children must not see), with its
    compiled form where Python has cached one: the copy keeps the source's
    modification time, so the cached bytecode is valid for it and a fresh child
    does not compile ~15 ms of runtime code before its first line."""
    import importlib.util

    here = Path(__file__).resolve().parent.parent
    for name in RUNTIME_FILES:
        source = here / name
        fs.write_new(folder / name, source.read_bytes(), 0o444)
        stat = source.stat()
        os.utime(folder / name, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        cached = Path(importlib.util.cache_from_source(str(source)))
        data = _bytecode_for(cached, stat)
        if data is None and not sys.dont_write_bytecode:  # a checkout: compiled once, as an import would
            import py_compile

            py_compile.compile(str(source), cfile=str(cached), doraise=False, quiet=2)
            data = _bytecode_for(cached, stat)
        if data is None:
            continue
        if not (folder / "__pycache__").exists():
            fs.new_folder(folder, "__pycache__", 0o755)
        fs.write_new(folder / "__pycache__" / cached.name, data, 0o444)


def _bytecode_for(cached: Path, source: os.stat_result) -> bytes | None:
    """The cached bytecode if it was compiled from this very source (the header's
    modification time and size, or a hash that Python checks itself), else None."""
    try:
        data = cached.read_bytes()
    except OSError:
        return None
    if len(data) < 16:
        return None
    if int.from_bytes(data[4:8], "little") & 1:  # hash-based
        return data
    mtime, size = int.from_bytes(data[8:12], "little"), int.from_bytes(data[12:16], "little")
    return data if (mtime, size) == (int(source.st_mtime) & 0xFFFFFFFF, source.st_size & 0xFFFFFFFF) else None


def child_argv(runtime: str, *args: str) -> list[str]:
    """The command of a fresh child: ``child.main()`` imported from ``runtime``
    (imported, not run as a script, so that its cached bytecode is used)."""
    boot = f"import sys; sys.path.insert(0, {runtime!r}); import child; child.main()"
    return [sys.executable, *CHILD_FLAGS, "-c", boot, *args]


def site_folders() -> list[str]:
    """The site-packages folders a ``python -I`` child would get from ``site``.
    Children start with ``python -I -S`` and are given these instead: running
    ``site`` (and whatever .pth files the machine has, some of which import
    modules at every start) is start-up cost a child does not need."""
    import site

    return [p for p in site.getsitepackages() if os.path.isdir(p)]


CHILD_FLAGS = ("-I", "-S", "-B")  # isolated, no site (see site_folders), no bytecode written


def open_pidfd(pid: int) -> int | None:
    """A pidfd for process ``pid`` (readable once it has exited), or None (a kernel
    without them, or the process already gone)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def wait_on_pidfd(pid: int, timeout: float) -> bool | None:
    """Wait up to ``timeout`` seconds for process ``pid`` to exit, on a pidfd (readable
    once it has exited: no polling). Whether it exited; None when there is no pidfd
    (a kernel without them, or the process already gone)."""
    fd = open_pidfd(pid)
    if fd is None:
        return None
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


# What decides the child's arithmetic, taken from the grader's own environment so that
# both compute alike: the BLAS's kernels (a machine may pin OpenBLAS to one core type for
# reproducible results; without it the child's OpenBLAS picks the CPU's own kernels, whose
# sums round differently) and numpy's SIMD paths. Only these names, and only plain values.
NUMERICS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS", "MKL_DEBUG_CPU_TYPE",
            "NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES")


def numerics_env(environ: "os._Environ[str] | dict[str, str]" = os.environ) -> dict[str, str]:
    return {name: value for name in NUMERICS if (value := environ.get(name)) is not None and len(value) <= 200 and value.isprintable()}


def child_env(home: str) -> dict[str, str]:
    return {
        **numerics_env(),
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
    def __init__(self, preload: tuple[str, ...] = (), isolation: "Isolation | None" = None) -> None:
        self.preload = preload
        self.key = zygote_key(preload, isolation)
        self.contained = bool(isolation is not None and isolation.contained_zygote)
        # the host uid a contained zygote's forks run as (checked against their credentials)
        drop = isolation.drop if isolation is not None else None
        self.uid = drop[0] if drop and os.geteuid() == 0 else os.geteuid()
        self.root = fs.new_folder(fs.private_base(), f"zygote-{time.monotonic_ns()}", 0o711)
        self.dir = fs.new_folder(self.root, "runtime", 0o755)  # what its forks show at view.RUNTIME
        copy_runtime(self.dir)
        # one request per record (SOCK_SEQPACKET where the system has it): worker processes
        # holding a copy of this socket (see ZygoteHandle) can ask for forks side by side
        import socket  # here: a plain child (mathdl check's) starts without it

        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, getattr(socket, "SOCK_SEQPACKET", socket.SOCK_STREAM))
        except OSError:  # declared but not for Unix sockets (macOS): a stream, for this process alone
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock = ours
        args = ["--zygote", str(theirs.fileno()), ",".join(preload), json.dumps(site_folders())]
        try:
            argv = isolation.zygote_command(self, args) if isolation is not None else child_argv(str(self.dir), *args)
            self.proc = subprocess.Popen(
                argv,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=self.dir,
                env=child_env(str(self.dir)),
                start_new_session=True,
            )
        except BaseException:
            ours.close()
            fs.remove_tree(self.root)
            raise
        finally:
            theirs.close()
        self.identity = process_identity(self.proc.pid)  # ours and not reaped: the pid is its

    @classmethod
    def shared_by(cls, handle: "ZygoteHandle") -> "Zygote":
        """A worker's side of its grading process's zygote: it asks for forks on
        the copy of the socket that came with the handle; the zygote is not its
        to stop."""
        zygote = cls.__new__(cls)
        zygote.preload, zygote.contained, zygote.uid, zygote.sock = handle.preload, handle.contained, handle.uid, handle.sock
        zygote.key = handle.key
        zygote.proc = zygote.root = None
        zygote.dir = Path(handle.runtime)
        zygote.identity = handle.identity
        return zygote

    def handle(self) -> "ZygoteHandle | None":
        """What a worker process needs to use this zygote (None where the system
        cannot keep several workers' requests apart)."""
        import socket

        if self.sock.type != getattr(socket, "SOCK_SEQPACKET", None):
            return None
        return ZygoteHandle(self.preload, self.contained, self.uid, self.sock, str(fs.private_base()), self.key, str(self.dir),
                            self.identity)

    def alive(self) -> bool:
        if self.proc is None:  # a worker's: the zygote's own process is not ours to watch
            return self.sock.fileno() >= 0
        return not self.gone()  # without reaping it: see close()

    def gone(self, wait: float = 0.0) -> bool:
        """Whether the zygote's process has ended (its forks die with it), waiting up to
        ``wait`` seconds for it to: in a worker too, by its pid and start time (a pid alone
        may name another process by now). A contained zygote's forks can die a moment
        before the process watched here (bubblewrap's, which ends once the zygote has)."""
        deadline = time.monotonic() + wait
        while True:
            if self.identity is not None:  # by /proc, not by reaping it: close() can still kill its group by pid
                if process_identity(self.identity[0]) != self.identity:
                    return True
            elif self.proc is not None and self.proc.poll() is not None:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def spawn(self, config: dict, log_fd: int) -> "ForkedChild":
        """Ask for a fork and return at once: the fork joins its cgroups (which can
        wait for a kernel grace period) and confines itself while the grader goes
        on; its pid is learned when first needed (:meth:`ForkedChild.learn_pid`)."""
        import socket

        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        fds, names, ours = [req_r, resp_w, log_fd], [], []
        creds = None
        try:
            if self.contained:
                config = dict(config)
                for procs in config.pop("cgroups", []):  # joined through descriptors opened here
                    ours.append(os.open(procs, os.O_WRONLY | os.O_CLOEXEC))
                    names.append("cgroup")
                creds, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
                creds.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
                ours.append(theirs.detach())
                names.append("credentials")
                config["fds"] = names
            socket.send_fds(self.sock, [json.dumps(config).encode()], fds + ours)
        except BaseException:
            if creds is not None:
                creds.close()
            os.close(req_w)
            os.close(resp_r)
            raise
        finally:
            for fd in (req_r, resp_w, *ours):
                os.close(fd)
        return ForkedChild(req_w, resp_r, creds, self.uid)

    def close(self) -> None:
        if self.proc is None:  # a worker's copy: the grading process stops the zygote
            self.sock.close()
            return
        try:  # first: once its socket closes it leaves by itself, and would leave its forks behind
            if self.proc.returncode is None:  # not reaped (running, or a zombie): its pid and group are still its own
                os.killpg(self.proc.pid, signal.SIGKILL)  # with the intermediate processes its forks die with
        except OSError:
            pass
        self.sock.close()
        self.proc.wait()
        fs.remove_tree(self.root)


class ZygoteHandle(NamedTuple):
    """A grading process's zygote for its worker processes (see :func:`adopt`).
    Pickled by multiprocessing, the socket travels as a descriptor of its own."""

    preload: tuple[str, ...]
    contained: bool
    uid: int
    sock: socket.socket
    base: str  # the grading process's folder for sandboxes: a contained zygote sees only that one
    key: tuple
    runtime: str  # the zygote's copy of the child runtime (what its forks show at view.RUNTIME)
    identity: tuple[int, int] | None  # the zygote's process (see process_identity)


def process_identity(pid: int) -> tuple[int, int] | None:
    """(pid, start time in clock ticks since boot) of a running process, which no other
    process will have, or None once it has ended (a zombie waiting for its parent to
    reap it has ended too), or without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        fields = stat[stat.rindex(b")") + 2 :].split()  # from field 3 on: the name may hold spaces and ')'
        return None if fields[0] in (b"Z", b"X") else (pid, int(fields[19]))  # state; start time (field 22)
    except (OSError, ValueError, IndexError):
        return None


def _host_pid(creds: socket.socket, uid: int, deadline: float) -> int:
    """A contained fork's pid on the host, from the credentials the kernel attached
    to its one message (a pid in the container means nothing here)."""
    ready, _, _ = select.select([creds], [], [], max(deadline - time.monotonic(), 0))
    if not ready:
        raise OSError("the zygote's fork did not say who it is")
    import socket

    _, ancillary, _, _ = creds.recvmsg(16, socket.CMSG_SPACE(12))
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(data) >= 12:
            pid, sender, _ = struct.unpack("iII", data[:12])
            if pid > 0 and sender == uid:
                return pid
            raise OSError(f"the zygote's fork is pid {pid} uid {sender}, not the unprivileged user {uid}")
    raise OSError("the zygote's fork sent no credentials")


class ForkedChild:
    """The part of the Popen interface that Sandbox uses, for a zygote's fork
    (whose exit status arrives as an ``exited`` message). Its pid is 0 until
    :meth:`learn_pid` has read it: nothing signals it before that.

    The fork is the zygote's child, not ours: the zygote reaps it, after which its
    pid may name any new process (pid_max is often 32768: a batch wraps it). So it is
    watched and signalled through a pidfd opened as soon as its pid is known, while
    it is alive; by pid only on a kernel without pidfds, and never once it is known
    to have exited."""

    def __init__(self, req_w: int, resp_r: int, creds: socket.socket | None = None, uid: int = -1):
        self.pid = 0
        self.stdin = os.fdopen(req_w, "wb", buffering=0)
        self.stdout = os.fdopen(resp_r, "rb", buffering=0)
        self.returncode: int | None = None
        self._creds = creds  # a contained fork tells its host pid here
        self._uid = uid
        self._pidfd: int | None = None

    def learn_pid(self, deadline: float) -> int:
        """The fork's pid, read once from the head of its reply pipe (before its
        ``ready``), or from its credentials in a container; OSError if it does not
        come by ``deadline`` (nothing of the student's has run before it does)."""
        if self.pid > 0:
            return self.pid
        try:
            header = b""
            fd = self.stdout.fileno()
            while len(header) < 8:
                ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
                chunk = os.read(fd, 8 - len(header)) if ready else b""
                if not chunk:
                    raise OSError("the zygote did not start a child")
                header += chunk
            pid = _host_pid(self._creds, self._uid, deadline) if self._creds is not None else struct.unpack("<Q", header)[0]
            if not 0 < pid < 1 << 31:
                raise OSError(f"the zygote reported pid {pid}")
            self.pid = pid
            try:  # now, while the fork is alive (it has just told its pid): the pidfd is the fork's for good
                self._pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
            except ProcessLookupError:  # told long ago, and gone since (a spare that died with its zygote)
                self._pidfd = None
                self.returncode = -signal.SIGKILL  # its status is the zygote's to read, not ours
            except OSError:
                self._pidfd = None
            return pid
        finally:
            if self._creds is not None:
                self._creds.close()
                self._creds = None

    def _exited(self, timeout: float = 0.0) -> bool:
        """Whether the fork has exited (a zombie counts), waiting up to ``timeout`` on its pidfd."""
        if self._pidfd is not None:
            return bool(select.select([self._pidfd], [], [], timeout)[0])
        try:  # no pidfd: by pid, which another process may hold once the zygote has reaped the fork
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return False

    def poll(self) -> int | None:
        if self.returncode is None and self.pid > 0 and self._exited():
            self.returncode = -signal.SIGKILL  # its status is the zygote's to read, not ours
            self.release()
        return self.returncode

    def kill(self) -> None:
        if self.pid <= 0 or self.poll() is not None:  # not known (yet), or gone: its pid may be another's now
            return
        try:
            if self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the fork to end (it is the zygote's child, not ours: no waitpid),
        on its pidfd where the kernel has them, else by polling."""
        if self.pid <= 0:  # never known: its pipes are closed and its cgroup killed instead
            return self.returncode
        deadline = time.monotonic() + (timeout if timeout is not None else 5.0)
        while self.poll() is None and time.monotonic() < deadline:
            if self._pidfd is not None:
                self._exited(max(0.0, deadline - time.monotonic()))
            else:
                time.sleep(0.005)
        return self.returncode

    def release(self) -> None:
        """Done with it (exited, or killed and waited for or not): its pidfd is closed (one per child)."""
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def close_pipes(self) -> None:
        if self._creds is not None:
            self._creds.close()
            self._creds = None
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass


_zygotes: dict[tuple, Zygote] = {}
_failed: set[tuple] = set()  # zygotes whose forks could not start: children start from scratch instead
_inherited: list = []


def _forget() -> None:
    """In a fork of this process (a grading worker): its zygotes are this
    process's to stop, never the fork's (a worker adopts the one it uses, see
    :func:`adopt`); they stay referenced, so that nothing of theirs is
    finalized in the fork."""
    _inherited.extend(_zygotes.values())
    _zygotes.clear()


os.register_at_fork(after_in_child=_forget)


def zygote_key(preload: tuple[str, ...], isolation: "Isolation | None") -> tuple:
    """Which zygote serves a child: unconfined ones are shared by every backend
    whose forks confine themselves; a contained one belongs to its backend."""
    contained = isolation is not None and isolation.contained_zygote
    return (tuple(preload), json.dumps(isolation.describe()) if contained else "")


def shared_zygote(preload: tuple[str, ...] = (), isolation: "Isolation | None" = None) -> Zygote:
    """This process's zygote that has imported ``preload`` (besides numpy) for
    ``isolation``, started on first use and restarted if it died (OSError if
    its forks failed to start before)."""
    key = zygote_key(preload, isolation)
    if key in _failed:
        raise OSError("this zygote's forks could not start before")
    zygote = _zygotes.get(key)
    if zygote is None or not zygote.alive():
        if zygote is not None:
            zygote.close()
        zygote = _zygotes[key] = Zygote(preload, isolation)
    return zygote


def running_zygote(isolation: "Isolation") -> Zygote | None:
    """A live zygote of this process that serves ``isolation`` (whatever it
    preloaded), if there is one."""
    for key, zygote in list(_zygotes.items()):
        if key not in _failed and key == zygote_key(key[0], isolation) and zygote.alive():
            return zygote
    return None


def stop_zygote(zygote: Zygote) -> None:
    """Stop a zygote this process started and will not use."""
    if _zygotes.get(zygote.key) is zygote:
        del _zygotes[zygote.key]
    zygote.close()


def adopt(handle: ZygoteHandle) -> None:
    """In a worker process: fork children from the grading process's zygote
    (started once for the whole run) and keep sandboxes where it sees them."""
    fs.adopt_base(Path(handle.base))
    _zygotes[handle.key] = Zygote.shared_by(handle)


def zygote_failed(preload: tuple[str, ...], isolation: "Isolation | None") -> None:
    """A fork of this zygote did not start: stop it, and start children from
    scratch for the rest of this process."""
    key = zygote_key(preload, isolation)
    _failed.add(key)
    zygote = _zygotes.pop(key, None)
    if zygote is not None:
        zygote.close()


def close_zygote() -> None:
    while _zygotes:
        _zygotes.popitem()[1].close()
