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

In bubblewrap's container the zygote runs as PID 1 of a PID namespace of its
own (``--pid-namespaces``), so that it can make each fork PID 1 of a new
namespace itself (``unshare``, fork, then ``setns`` back to its own) and
return to its own namespace after each fork: that fork is the reaper of the
confined child, tells its pid as credentials and reports the child's exit
status, and no intermediate process is needed (one fork and one exit fewer
per child). If the zygote cannot return to its own namespace it exits rather
than fork into the last one's.

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


def _pid_namespace_wanted(config, fd_count: int) -> bool:
    """Whether this request's fork confines itself nested in bubblewrap's
    container and tells its pid as credentials: then the zygote makes the fork
    PID 1 of a new PID namespace itself, and the fork needs no intermediate
    process (one fork and one exit fewer per child)."""
    try:
        names = config.get("fds", [])
        confined = config.get("confine") or {}
        return bool(confined.get("nested")) and "credentials" in names[: max(fd_count - 3, 0)]
    except (AttributeError, TypeError):
        return False


def _own_pid_namespace() -> int | None:
    """In bubblewrap's container: go on as PID 1 of a new PID namespace, owned by
    the container's innermost user namespace, where this process holds
    CAP_SYS_ADMIN (bubblewrap's own PID namespace belongs to an outer one). Back
    in this namespace after each fork (setns), the zygote can then make every
    fork PID 1 of a new namespace of its own. The first process stays as the
    parent and ends with the zygote. Returns a descriptor of the namespace, or
    None where that cannot be done (forks then make their own namespace, below
    an intermediate process)."""
    import confine
    from child import _die_with_parent

    try:
        confine.new_pid_namespace()
    except OSError:
        return None
    pid = os.fork()
    if pid:  # the first process: nothing else, until the zygote ends
        while True:
            try:
                _, status = os.waitpid(pid, 0)
            except InterruptedError:
                continue
            except ChildProcessError:
                os._exit(70)
            os._exit(min(abs(os.waitstatus_to_exitcode(status)), 255))
    _die_with_parent()
    try:
        return os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        os._exit(70)  # its forks would all share this namespace: no zygote rather than that


def serve_zygote(sockfd: int, run_child, preload: tuple[str, ...] = (), pid_namespaces: bool = False) -> None:
    import importlib

    from child import import_numpy

    import_numpy()  # the point of the zygote: numpy is imported once
    import kernels  # noqa: F401
    import wire  # noqa: F401

    for name in preload:  # e.g. torch for chapters that need it: each fork then costs a fork, not an import
        importlib.import_module(name)

    own_pidns = None  # this process's PID namespace, to return to after making a fork PID 1 of a new one
    if sys.platform.startswith("linux"):
        import confine  # noqa: F401  (imported before any fork drops privileges)

        if pid_namespaces:
            own_pidns = _own_pid_namespace()
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
        try:
            config = json.loads(msg)
        except ValueError:
            config = None  # the fork reports it (below)
        pid_namespace = own_pidns is not None and _pid_namespace_wanted(config, len(fds))
        if pid_namespace:
            try:
                confine.new_pid_namespace()
            except OSError:
                pid_namespace = False  # the fork makes its own, below an intermediate process, as before
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid_namespace and pid != 0:  # (the fork is PID 1 there: it cannot, and must not, go back)
                try:
                    confine.restore_pid_namespace(own_pidns)
                except BaseException:  # noqa: BLE001 - a next fork would join this one's namespace: stop
                    os._exit(70)
        if pid == 0:
            try:
                sock.close()
                if own_pidns is not None:
                    os.close(own_pidns)  # nothing of the zygote's namespaces reaches the child
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                if not isinstance(config, dict):
                    raise ValueError("malformed fork request")
                config["pid_namespace"] = pid_namespace
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
