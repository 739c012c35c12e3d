"""The grader's side of a zygote (see :mod:`mathdl_cli.zygote`, the child's side).

A zygote is started once per grading process, unconfined, as the grader's
user, with numpy imported and nothing of the grader; it only forks. Each fork
confines itself with the same code and configuration as a child started from
scratch, so it promises exactly what its backend promises (backends whose
confinement cannot be applied to a fork, like bubblewrap, never use one).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

from . import fs

RUNTIME_FILES = ("child.py", "child_dist.py", "wire.py", "zygote.py", "confine.py")


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


def child_env(home: str) -> dict[str, str]:
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
    def __init__(self, preload: tuple[str, ...] = ()) -> None:
        self.preload = preload
        self.dir = fs.new_folder(fs.private_base(), f"zygote-{time.monotonic_ns()}", 0o755)
        copy_runtime(self.dir)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock = ours
        self.proc = subprocess.Popen(
            child_argv(str(self.dir), "--zygote", str(theirs.fileno()), ",".join(preload), json.dumps(site_folders())),
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.dir,
            env=child_env(str(self.dir)),
            start_new_session=True,
        )
        theirs.close()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def spawn(self, config: dict, log_fd: int, timeout: float = 30.0) -> "ForkedChild":
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        try:
            socket.send_fds(self.sock, [json.dumps(config).encode()], [req_r, resp_w, log_fd])
        finally:
            os.close(req_r)
            os.close(resp_w)
        child = ForkedChild(req_w, resp_r)
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
        fs.remove_tree(self.dir)


class ForkedChild:
    """The part of the Popen interface that Sandbox uses, for a zygote's fork
    (whose exit status arrives as an ``exited`` message)."""

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
        """Wait for the fork to end (it is the zygote's child, not ours: no waitpid),
        on a pidfd where the kernel has them, else by polling."""
        limit = timeout if timeout is not None else 5.0
        if self.poll() is None and hasattr(os, "pidfd_open"):
            try:
                fd = os.pidfd_open(self.pid)
            except OSError:  # already gone, or no pidfds on this kernel
                fd = -1
            if fd >= 0:
                try:
                    exited, _, _ = select.select([fd], [], [], limit)  # readable once the process has exited
                    if exited and self.returncode is None:
                        # gone (a zombie until the zygote reaps it; its status is not ours to read)
                        self.returncode = -signal.SIGKILL
                finally:
                    os.close(fd)
        deadline = time.monotonic() + limit
        while self.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.returncode

    def close_pipes(self) -> None:
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass


_zygotes: dict[tuple[str, ...], Zygote] = {}


def shared_zygote(preload: tuple[str, ...] = ()) -> Zygote:
    """This process's zygote that has imported ``preload`` (besides numpy), started
    on first use and restarted if it died."""
    zygote = _zygotes.get(preload)
    if zygote is None or not zygote.alive():
        if zygote is not None:
            zygote.close()
        zygote = _zygotes[preload] = Zygote(preload)
    return zygote


def close_zygote() -> None:
    while _zygotes:
        _zygotes.popitem()[1].close()
