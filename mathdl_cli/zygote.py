"""A clean pre-started interpreter that forks one child per submission.

Batch grading starts a zygote once per run (its worker processes share it):
``python -I -B child.py --zygote FD``, which imports numpy (the slow part of
every child's start) and nothing of the grader, then waits on a Unix socket,
one request per record. For each child the grader
sends the child's configuration with three descriptors (the request pipe, the
reply pipe and the log, all opened by the grader), and for a zygote in a
container (bubblewrap) more, named by the configuration's ``fds``: the
``cgroup.procs`` files to join and a ``credentials`` socket. The zygote forks,
and the fork starts up exactly like a child started from scratch
(``child.run_child``: the same cgroups, the same confinement, the same
limits). An intermediate process reports the child's pid first and its exit
status last, so the grader can kill it and explain a crash; in a container
its pid means nothing to the grader, which learns the host pid from the
credentials the kernel attaches to one message on the ``credentials``
socket.

Runs on the child side: standard library, ctypes and numpy only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys


MAX_FDS = 16  # descriptors one request may carry


class ForkedStart:
    """How a zygote's fork talks to the grader before and after the child runs:
    the child's pid as 8 bytes first, an ``exited`` message last."""

    def __init__(self, credentials: int | None = None) -> None:
        self.credentials = credentials  # a socket whose one message tells the grader our host pid

    def started(self, pid: int) -> None:
        if self.credentials is not None:
            with socket.socket(fileno=self.credentials) as sock:
                sock.send(b"p")  # the kernel attaches our pid, as the grader sees it
            self.credentials = None
        os.write(1, struct.pack("<Q", pid))

    def forked(self) -> None:
        """In the fork that becomes the child: nothing of the link stays open."""
        if self.credentials is not None:
            os.close(self.credentials)
            self.credentials = None

    def exited(self, code: int) -> None:
        import wire

        try:
            os.write(1, wire.frame(wire.encode({"kind": "exited", "status": code})))
        except OSError:
            pass
        os._exit(0)


def serve_zygote(sockfd: int, run_child, preload: tuple[str, ...] = ()) -> None:
    import importlib

    from child import import_numpy

    import_numpy()  # the point of the zygote: numpy is imported once
    import kernels  # noqa: F401
    import wire  # noqa: F401

    for name in preload:  # e.g. torch for chapters that need it: each fork then costs a fork, not an import
        importlib.import_module(name)

    if sys.platform.startswith("linux"):
        import confine  # noqa: F401  (imported before any fork drops privileges)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forks are reaped automatically
    sock = socket.socket(fileno=sockfd)
    import gc

    # everything imported so far is shared with every fork: out of the collector's
    # sight, a fork's collections do not write to (and so copy) the pages it sits on
    gc.freeze()
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, MAX_FDS)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)  # the grader went away
        if len(fds) < 3:
            for fd in fds:
                os.close(fd)
            continue
        pid = os.fork()
        if pid == 0:
            try:
                sock.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                config = json.loads(msg)
                for target, fd in enumerate(fds[:3]):  # received descriptors are >= 3 (0-2 are /dev/null here)
                    os.dup2(fd, target)
                for fd in fds[:3]:
                    if fd > 2:
                        os.close(fd)
                credentials, config["cgroup_fds"] = None, []
                names = config.pop("fds", [])
                for i, fd in enumerate(fds[3:]):
                    name = names[i] if i < len(names) else None
                    if name == "cgroup":
                        config["cgroup_fds"].append(fd)
                    elif name == "credentials" and credentials is None:
                        credentials = fd
                    else:
                        os.close(fd)
            except BaseException:  # noqa: BLE001
                os._exit(70)
            run_child(config, ForkedStart(credentials), forked=True)  # never returns
            os._exit(0)
        for fd in fds:
            os.close(fd)
