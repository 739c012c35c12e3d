"""Memory and process limits for a child's whole process tree (Linux cgroups).

A :class:`Cgroup` is one folder per hierarchy that holds a child and every
process it starts: with cgroup v1 one in the ``pids`` and one in the ``memory``
hierarchy, with cgroup v2 one folder with both controllers. It caps the memory
of the whole tree (``memory.limit_in_bytes`` / ``memory.max``; tmpfs pages
written by the child count too) and its number of tasks, threads included
(``pids.max``), and it can kill every process in it.

With cgroup v2 the folders are made below the grader's own cgroup (or next to
it when its own cgroup holds processes and cannot have limited children), so a
grader that is itself limited, in a container or a systemd unit, stays within
its limits; with v1 below ``mathdl/`` at the root of each hierarchy. They are
named ``mathdl-<pid>-<n>``. Folders are reused by the next child of the same process
once empty, and removed when the process ends (``cleanup``); folders of mathdl
processes that died are swept by the next one. Only root (or a grader with a
delegated cgroup) can make them: :func:`create` returns None otherwise, and the
child is then limited per process only (its rlimits).
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()
# A name can be taken by a folder a dead process left behind under the same pid (pids
# are reused; the sweep leaves folders named with a live pid, ours included): the next
# number is tried, so a stale folder never leaves a child without its tree's limits.
_NAME_TRIES = 64
_free: list["Cgroup"] = []
_all: list["Cgroup"] = []
_swept: set[Path] = set()


def _forget() -> None:
    # in a fork of this process (a grading worker): these cgroups are this process's to
    # reuse and remove, never the fork's (it makes its own)
    _free.clear()
    _all.clear()


os.register_at_fork(after_in_child=_forget)


class Cgroup:
    def __init__(self, folders: list[Path], version: int):
        self.folders = folders
        self.version = version

    def __repr__(self) -> str:
        return f"Cgroup({', '.join(map(str, self.folders))})"

    @property
    def procs(self) -> list[str]:
        """The files a process writes ``0`` to in order to join (all of them)."""
        return [str(f / "cgroup.procs") for f in self.folders]

    def limit(self, memory_bytes: int | None, tasks: int | None) -> None:
        memory = str(memory_bytes) if memory_bytes else None
        for folder in self.folders:
            memsw = folder / "memory.memsw.limit_in_bytes"  # v1 with swap accounting: no swap either
            files = [
                ("pids.max", str(tasks) if tasks else "max"),
                ("memory.max", memory or "max"),
                ("memory.swap.max", "0"),
                (memsw.name, "-1"),  # memory + swap must stay >= memory: lift it first
                ("memory.limit_in_bytes", memory or "-1"),
                (memsw.name, memory or "-1"),
            ]
            for name, value in files:
                if (folder / name).exists():
                    (folder / name).write_text(value)

    def pids(self) -> list[int]:
        found: set[int] = set()
        for folder in self.folders:
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return sorted(found)

    def tasks(self) -> int:
        """Tasks still counted by the pids controller (killed ones count until reaped)."""
        for folder in self.folders:
            try:
                return int((folder / "pids.current").read_text())
            except (OSError, ValueError):
                continue
        return 0

    def oom_kills(self) -> int:
        """How many of this cgroup's processes the kernel's out-of-memory killer has
        killed so far (v2 memory.events, v1 memory.oom_control: "oom_kill N")."""
        for folder in self.folders:
            for name in ("memory.events", "memory.oom_control"):
                try:
                    lines = (folder / name).read_text().splitlines()
                except OSError:
                    continue
                for line in lines:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and value.strip().isdigit():
                        return int(value)
        return 0

    def kill(self, wait: float = 2.0) -> bool:
        """Kill every process in the cgroup; True once none is left in it.

        A killed process can stay counted by ``pids.current`` for a second or more
        after it left ``cgroup.procs`` (the kernel tearing down the namespaces of
        a bubblewrap child): it runs no code and has freed its memory, so it is
        not waited for: a cgroup still counting one is not reused (:func:`create`)."""
        deadline = time.monotonic() + wait
        killer = self.folders[0] / "cgroup.kill"  # v2, Linux 5.14+: the kernel kills the whole group, forks included
        names = {folder.name.encode() for folder in self.folders}
        while True:
            pids = self.pids()
            if not pids:
                return True
            try:
                with open(killer, "r+") as fh:  # r+: never made where it is not (v1, or a v2 before Linux 5.14)
                    fh.write("1")
            except OSError:  # one process at a time
                for pid in pids:
                    _kill_member(pid, names)
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)

    def remove(self) -> bool:
        removed = True
        for folder in self.folders:
            try:
                folder.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                removed = False
        return removed


def _kill_member(pid: int, names: set[bytes]) -> None:
    """SIGKILL the process ``pid`` if it is in a cgroup named in ``names``.

    The pid was read from cgroup.procs, and its process may have exited and been
    reaped since, and the pid given to any process of the machine. So the process
    holding it is pinned first (a pidfd), its membership read, and the signal sent
    through the pidfd: if the pinned process has gone too, the signal fails and
    nothing else is hit. Without pidfds (Linux < 5.3) the membership is read just
    before the kill: a window of microseconds instead of the whole loop."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):
        pidfd = None
    try:
        if not _in_cgroup(pid, names):
            return
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _in_cgroup(pid: int, names: set[bytes]) -> bool:
    """Whether the process ``pid`` is in a cgroup whose folder is named in ``names``."""
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_bytes().splitlines()
    except OSError:
        return False
    return any(line.rsplit(b"/", 1)[-1] in names for line in lines)


def _own_paths() -> tuple[dict[str, str], str | None]:
    """This process's cgroup per v1 controller, and its v2 cgroup."""
    v1: dict[str, str] = {}
    v2 = None
    try:
        lines = os.fsdecode(Path("/proc/self/cgroup").read_bytes()).splitlines()  # paths: any bytes, in any locale
    except OSError:
        return v1, v2
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2]
        for controller in parts[1].split(","):
            v1[controller] = parts[2]
    return v1, v2


def _v2_mount() -> Path | None:
    try:
        for line in os.fsdecode(Path("/proc/self/mountinfo").read_bytes()).splitlines():
            left, _, right = line.partition(" - ")
            if right.split()[:1] == ["cgroup2"]:
                return Path(left.split()[4])
    except OSError:
        pass
    return None


def _parents() -> tuple[list[Path], int] | None:
    """Where this process can make limited cgroups: v1 pids and memory folders,
    or one v2 folder whose children get both controllers."""
    v1, v2 = _own_paths()
    if all(c in v1 and (ROOT / c / "cgroup.procs").exists() for c in ("pids", "memory")):
        try:
            folders = [ROOT / c / "mathdl" for c in ("pids", "memory")]
            for folder in folders:
                folder.mkdir(exist_ok=True)
            return folders, 1
        except OSError:
            pass
    mount = _v2_mount()
    if mount is None or v2 is None:
        return None
    own = mount / v2.lstrip("/")
    for parent in (own, own.parent):  # a non-root cgroup with processes cannot delegate to children: try its parent
        try:
            if not {"memory", "pids"} <= set((parent / "cgroup.controllers").read_text().split()):
                continue
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
            return [parent], 2
        except OSError:
            continue
    return None


def create() -> Cgroup | None:
    """A cgroup for one child (reused from this process's free ones when possible)."""
    for group in list(_free):
        if not group.tasks() and group.kill(wait=0.5):  # nothing left, nothing still counted against pids.max
            _free.remove(group)
            return group
    where = _parents()
    if where is None:
        return None
    parents, version = where
    for parent in parents:
        if parent not in _swept:
            _swept.add(parent)
            _sweep(parent)
    for _ in range(_NAME_TRIES):
        made = _make(parents, f"mathdl-{os.getpid()}-{next(_counter)}")
        if made:
            group = Cgroup(made, version)
            _all.append(group)
            return group
        if made is None:
            return None
    return None


def _make(parents: list[Path], name: str) -> list[Path] | None:
    """The folder ``name`` under every parent; [] when one of them exists already (the
    name is taken), None when they cannot be made."""
    made: list[Path] = []
    try:
        for parent in parents:
            folder = parent / name
            folder.mkdir()
            made.append(folder)
        return made
    except OSError as exc:
        for folder in made:
            folder.rmdir()
        return [] if isinstance(exc, FileExistsError) else None


def release(group: Cgroup) -> None:
    """A closed sandbox's cgroup, for this process's next child."""
    _free.append(group)


def cleanup() -> None:
    """Kill what is left in this process's cgroups and remove them (at exit)."""
    for group in list(_all):
        group.kill(wait=1.0)
        for _ in range(100):
            if group.remove():
                break
            time.sleep(0.01)
        else:
            continue
        _all.remove(group)
    _free.clear()


def _sweep(parent: Path) -> None:
    """Remove the cgroups of mathdl processes that died without cleaning up."""
    for folder in parent.glob("mathdl-*-*"):
        try:
            pid = int(folder.name.split("-")[1])
            os.kill(pid, 0)
            continue  # alive: it removes its own
        except ProcessLookupError:
            pass
        except (ValueError, IndexError, PermissionError):
            continue
        group = Cgroup([folder], 0)
        group.kill(wait=0.5)
        group.remove()
