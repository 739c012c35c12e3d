"""Confine this process in fresh Linux namespaces before any student code runs.

The child side of the ``namespaces`` isolation (see
:mod:`mathdl_cli.sandbox.namespaces` for what it promises). It runs in the
process that is about to become a child: a fresh ``python child.py`` or a fork
of a zygote, before any student code, with the standard library and ctypes
only (``child.become_child`` calls it). In order:

1. ``prepare`` (in the calling process): as root, every folder the child will
   see is first bound, in a private mount namespace, under a staging tmpfs
   that an unprivileged user can walk through (a Python under a 0700 home
   stays reachable); then the process becomes that unprivileged user
   (``nobody``, chosen by the parent; a grader that is not root stays itself).
   Then it creates new user, mount, PID, network, IPC, UTS and cgroup
   namespaces, in which its uid and gid are ``INSIDE_ID`` (1000), mapped to
   the unprivileged host ids: the child is never root, inside or outside.
   The folders to show are opened (``O_PATH``) in the new mount namespace.
2. The caller forks: the fork is PID 1 of the new PID namespace, the caller
   stays outside as its parent and reports its exit status. (A zygote in
   bubblewrap's container makes its fork PID 1 of a new PID namespace itself:
   that fork then skips this step and reports the exit status as PID 1.)
3. ``setup_child`` (in PID 1): a new root file system on a tmpfs holding
   exactly the entries of the parent's view (:mod:`mathdl_cli.sandbox.view`:
   read-only binds of the system folders, the interpreter, the child runtime
   and the submission files; a size-limited tmpfs as the only writable
   folder; a minimal /dev; /proc of the new PID namespace with /proc/sys
   read-only and no further user namespaces), ``pivot_root`` into it and
   detach the host's tree, the root remounted read-only, loopback up,
   hostname set, then every capability dropped and ``no_new_privs`` set.
   PID 1 then forks the child proper and stays as its reaper
   (``child._become_reaper``).

A fork of a zygote that runs in bubblewrap's container (``spec["nested"]``)
skips step 1's staging and user namespace: it is already the container's
unprivileged uid 1000, in bubblewrap's user namespace (no further user
namespaces), with capabilities the container granted the zygote for steps
2-3 only. It creates the other namespaces and then goes through steps 2 and 3
unchanged, dropping those capabilities with everything else.

Any failure raises: the caller exits with status 70 and the parent reports a
grader error. Nothing here is ever skipped silently.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import platform
import signal
import socket
import stat
import struct

# everything this module needs is imported above: once the process has become
# the unprivileged user it may not be able to read the standard library again
# until the new root is in place

INSIDE_ID = 1000  # the child's uid and gid inside its user namespace

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x02000000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC = 32, 1024, 2048, 4096, 16384
MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1 << 18, 1 << 21, 1 << 24
MNT_DETACH = 2
O_PATH = getattr(os, "O_PATH", 0o10000000)
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SYSCALLS = {"x86_64": {"capset": 126, "pivot_root": 155}, "aarch64": {"capset": 91, "pivot_root": 41}}
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
DEVICES = ("null", "zero", "full", "random", "urandom")
STAGE = "/tmp"  # mounted over in a private mount namespace: the host's /tmp is never touched

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _syscall(name: str, *args) -> int:
    numbers = SYSCALLS.get(platform.machine())
    if numbers is None:
        raise OSError(f"{name}: unsupported architecture {platform.machine()}")
    return _libc.syscall(numbers[name], *args)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl {option}")


# -- 1.-2. sources and namespaces ----------------------------------------------
def drop_to(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good (real, effective and saved ids), with no
    supplementary groups; keep /proc/self writable for the uid maps."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid or os.getgid() != gid:
        raise OSError("could not change to the unprivileged user")
    _prctl(PR_SET_DUMPABLE, 1)


def _stage(sources: list[str]) -> list[str]:
    """As root, in a private mount namespace: bind every source under a
    world-searchable tmpfs, so that the unprivileged user can reach folders it
    could not walk to by path (a Python under a 0700 home). The sources are
    opened before the tmpfs covers /tmp, where some of them may live."""
    _check(_libc.unshare(CLONE_NEWNS), "unshare the mount namespace")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    fds = [os.open(source, O_PATH | os.O_CLOEXEC) for source in sources]
    _mount("tmpfs", STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    staged = []
    for i, fd in enumerate(fds):
        target = os.path.join(STAGE, str(i))
        _make_point(target, stat.S_ISDIR(os.fstat(fd).st_mode))
        _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        os.close(fd)
        staged.append(target)
    return staged


def prepare(spec: dict, in_pid_namespace: bool = False) -> dict[str, int]:
    """Steps 1 and 2: new namespaces for this process, its uid mapped to an
    unprivileged one; returns O_PATH descriptors of the view's bind sources,
    opened in the new mount namespace. ``in_pid_namespace`` (a nested fork
    only): this process already is PID 1 of a new PID namespace (its zygote
    made it, see :func:`new_pid_namespace`), so no new one is made."""
    sources = sorted({entry[1] for entry in spec["view"] if entry[0] == "bind"})
    if spec.get("nested"):
        # a fork of a zygote in bubblewrap's container: it already is the container's unprivileged
        # uid, in a user namespace with no further user namespaces, holding the capabilities the
        # container granted the zygote (dropped in setup_child); the other namespaces are its own
        if os.geteuid() == 0 or os.getuid() == 0:
            raise OSError("refusing to confine a nested child that is root in its user namespace")
        flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP
        if in_pid_namespace:
            if os.getpid() != 1:
                raise OSError("a fork said to be PID 1 of its own PID namespace is not")
        else:
            flags |= CLONE_NEWPID
        _check(_libc.unshare(flags), "unshare")
        return {source: os.open(source, O_PATH | os.O_CLOEXEC) for source in sources}
    reach = sources
    drop = spec.get("drop")
    if os.geteuid() == 0:
        if drop is None:
            raise OSError("refusing to confine a child that would map to host root")
        reach = _stage(sources)
        drop_to(int(drop[0]), int(drop[1]))
    outer_uid, outer_gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP
    _check(_libc.unshare(flags), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{INSIDE_ID} {outer_uid} 1"), ("gid_map", f"{INSIDE_ID} {outer_gid} 1")):
        with open(f"/proc/self/{name}", "w") as fh:
            fh.write(text)
    return {source: os.open(path, O_PATH | os.O_CLOEXEC) for source, path in zip(sources, reach)}


def new_pid_namespace() -> None:
    """In a zygote in bubblewrap's container: its next fork becomes PID 1 of a new
    PID namespace (the fork then needs no intermediate process above it; see
    zygote.serve_zygote). Call :func:`restore_pid_namespace` right after the fork."""
    _check(_libc.unshare(CLONE_NEWPID), "unshare a PID namespace")


def restore_pid_namespace(own: int) -> None:
    """Forks made from now on are in this process's own PID namespace again (``own``:
    a descriptor of /proc/self/ns/pid). Raises if the kernel refuses: the caller
    must then never fork again, or the next fork would join the last one's namespace."""
    _check(_libc.setns(own, CLONE_NEWPID), "return to the zygote's PID namespace")


# -- 4. the new root ----------------------------------------------------------
_STATVFS_TO_MS = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
                  (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME))


def _remount_readonly(point: str) -> None:
    """Read-only, keeping the flags the kernel locks in a user namespace."""
    have = os.statvfs(point).f_flag
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
    for st, ms in _STATVFS_TO_MS:
        if have & st:
            flags |= ms
    _mount(None, point, None, flags)


def _mounts_under(path: str) -> list[str]:
    """Mount points at or below ``path`` (this mount namespace), parents first."""
    points = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            point = line.split()[4]
            for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
                point = point.replace(code, char)
            if point == path or point.startswith(path.rstrip("/") + "/"):
                points.append(point)
    return sorted(set(points), key=len)


def _make_point(path: str, directory: bool) -> None:
    os.makedirs(path if directory else os.path.dirname(path), mode=0o755, exist_ok=True)
    if not directory and not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))


def _bind(fd: int, target: str) -> None:
    _make_point(target, stat.S_ISDIR(os.fstat(fd).st_mode))
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
    for point in _mounts_under(target):
        _remount_readonly(point)


def _tmpfs(target: str, size: int, mode: str = "0755") -> None:
    _make_point(target, True)
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={int(size)},mode={mode}")


def _dev(target: str, shm_bytes: int) -> None:
    """A minimal /dev: the five harmless devices, fd links, a small /dev/shm."""
    _make_point(target, True)
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")
    for name in DEVICES:
        node = os.path.join(target, name)
        _make_point(node, False)
        _mount(f"/dev/{name}", node, None, MS_BIND)
    for name, dest in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(dest, os.path.join(target, name))
    _tmpfs(os.path.join(target, "shm"), shm_bytes, "1777")
    _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC)


def _proc(target: str) -> None:
    """/proc of the new PID namespace; its kernel knobs read-only; no further
    user namespaces for anything started in here."""
    _make_point(target, True)
    _mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    with open(os.path.join(target, "sys/user/max_user_namespaces"), "w") as fh:
        fh.write("0")
    for sub in ("sys", "sysrq-trigger", "irq", "bus"):
        path = os.path.join(target, sub)
        if os.path.exists(path):
            _mount(path, path, None, MS_BIND | MS_REC)
            _remount_readonly(path)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def drop_capabilities() -> None:
    """No capability, now or after any exec, and no way to gain one."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    cap = 0
    while _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (two words each): empty
    _check(_syscall("capset", header, data), "capset")
    with open("/proc/self/status") as fh:  # the kernel's word for it: every set empty
        left = [line.strip() for line in fh if line.startswith("Cap") and int(line.split()[1], 16) != 0]
    if left:
        raise OSError(f"capabilities left after dropping them: {', '.join(left)}")


def setup_child(spec: dict, fds: dict[str, int]) -> None:
    """In PID 1 of the new namespaces: build the root, enter it, drop everything."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    new = "/tmp"  # any existing folder: the new root's tmpfs is mounted over it in this namespace only
    _mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for entry in spec["view"]:
        kind, target = entry[0], new + entry[2] if entry[0] in ("bind", "symlink") else new + entry[1]
        if kind == "bind":
            _bind(fds[entry[1]], target)
        elif kind == "symlink":
            _make_point(os.path.dirname(target), True)
            os.symlink(entry[1], target)
        elif kind == "tmpfs":
            _tmpfs(target, entry[2], entry[3] if len(entry) > 3 else "0755")
        elif kind == "hide":
            if os.path.isdir(target):
                _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0")
        elif kind == "dev":
            _dev(target, entry[2])
        elif kind == "proc":
            _proc(target)
        else:
            raise OSError(f"unknown view entry {kind!r}")
    for fd in fds.values():
        os.close(fd)
    os.chdir(new)
    _check(_syscall("pivot_root", b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "detach the host's root")
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    socket.sethostname(spec.get("hostname", "mathdl"))
    _loopback_up()
    drop_capabilities()
