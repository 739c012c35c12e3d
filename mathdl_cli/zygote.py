"""A clean pre-started interpreter that forks one child per submission.

Batch grading starts a zygote once per grading worker: ``python -I -B child.py
--zygote FD``, which imports numpy (the slow part of every child's start) and
nothing of the grader, then waits on a Unix socket. For each submission the
grader sends the child's configuration and two pipe ends; the zygote forks, and
the fork confines itself exactly like a child started from scratch: its own
session, and with namespaces a fresh mount, network (loopback up) and PID namespace (the
sandbox folder at /mnt, the course, outputs and other submissions covered, a
read-only file system, a new /proc), no capabilities, then the resource limits.
An intermediate process reports the child's host pid first and its exit status
last, so the grader can kill it and explain a crash.

Runs on the child side: standard library, ctypes and numpy only.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import signal
import socket
import struct
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47
CAPSET_SYSCALL = {"x86_64": 126, "aarch64": 91}

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _unshare(as_root: bool) -> None:
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID
    uid, gid = os.getuid(), os.getgid()
    if not as_root:
        flags |= CLONE_NEWUSER
    _check(_libc.unshare(flags), "unshare")
    if not as_root:
        with open("/proc/self/setgroups", "w") as fh:
            fh.write("deny")
        with open("/proc/self/uid_map", "w") as fh:
            fh.write(f"0 {uid} 1")
        with open("/proc/self/gid_map", "w") as fh:
            fh.write(f"0 {gid} 1")


def _loopback_up() -> None:
    """Bring up the new network namespace's loopback interface (down when a
    namespace is made; chapter 23's ranks join gloo over 127.0.0.1). Needs
    CAP_NET_ADMIN in the namespace, so before the capabilities are dropped; if it
    fails, the rank harness reports a sandbox problem, never the student's."""
    import fcntl

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            ifreq = struct.pack("16sH22x", b"lo", 0)  # struct ifreq: name, then ifr_flags in the union
            (flags,) = struct.unpack_from("16xH", fcntl.ioctl(s, siocgifflags, ifreq))
            fcntl.ioctl(s, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))
    except OSError:
        pass


def _confine_mounts(root: str, hide: list[str]) -> None:
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount(root, "/mnt", None, MS_BIND)
    for folder in hide:
        if os.path.isdir(folder):
            _mount("none", folder, "tmpfs", MS_RDONLY, "size=4k,mode=0")
    _mount("none", "/tmp", "tmpfs", 0, "size=64m,mode=1777")
    _mount("none", "/dev/shm", "tmpfs", 0, "size=16m,mode=1777")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    with open("/proc/self/mountinfo") as fh:
        points = [line.split()[4] for line in fh]
    for point in points:
        if point.startswith(("/sys", "/boot", "/etc", "/usr", "/opt", "/var", "/home", "/root", "/srv")):
            try:
                _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
            except OSError:
                pass
    _mount("/mnt/runtime", "/mnt/runtime", None, MS_BIND)
    _mount(None, "/mnt/runtime", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _drop_capabilities() -> None:
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break
    _libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    number = CAPSET_SYSCALL.get(platform.machine())
    if number is None:
        raise OSError("capset: unknown architecture")
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (x2): all empty
    _check(_libc.syscall(number, header, data), "capset")


def _spawned(config: dict, run_child) -> None:
    """In the fork: confine, then become the child (never returns)."""
    import wire

    ns = config.get("namespaces")
    if ns:
        _unshare(bool(ns.get("as_root")))
        _loopback_up()
    pid = os.fork()
    if pid:  # the intermediate: report the child's pid, then its exit status
        os.close(0)
        os.write(1, struct.pack("<Q", pid))
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        try:
            os.write(1, wire.frame(wire.encode({"kind": "exited", "status": code})))
        except OSError:
            pass
        os._exit(0)
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if ns:
        _confine_mounts(ns["root"], ns.get("hide", []))
        _drop_capabilities()
    os.environ.clear()
    os.environ.update(config.get("env", {}))
    os.chdir(config["cwd"])
    run_child(config)


def serve_zygote(sockfd: int, run_child) -> None:
    import numpy  # noqa: F401  (the point of the zygote: numpy is imported once)
    import wire  # noqa: F401

    # imported here: a confined fork gets a fresh /tmp, where the runtime folder was
    import child_dist  # noqa: F401

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forks are reaped automatically
    sock = socket.socket(fileno=sockfd)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 2)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)  # the grader went away
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            continue
        config = json.loads(msg)
        pid = os.fork()
        if pid == 0:
            try:
                sock.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.dup2(fds[0], 0)
                os.dup2(fds[1], 1)
                for fd in fds:
                    os.close(fd)
                _spawned(config, run_child)
            except BaseException as exc:  # noqa: BLE001
                try:
                    sys.stderr.write(f"mathdl zygote: could not start a child: {exc}\n")
                finally:
                    os._exit(70)
        for fd in fds:
            os.close(fd)
