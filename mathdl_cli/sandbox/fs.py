"""The grader's own folders for sandboxes: private, written without following
links, removed without recursion.

Every folder a grading process makes for its children (sandboxes, the
zygote's runtime, scratch folders) lives under one private base folder per
process, ``$TMPDIR/mathdl-<pid>-XXXXXXXX`` (mode 0711: nobody can list it, so
sandbox names cannot be found; only the plain-process mode, whose child runs as
``nobody``, needs to walk through it). The base is removed when the process
ends, and bases of processes that died without cleaning up are removed by the
next run: only folders with that name pattern, this user's, holding the marker
file every base gets (a student's ``/tmp/mathdl-2025-fall`` is never touched).
"""

from __future__ import annotations

import atexit
import os
import re
import stat
import tempfile
from pathlib import Path

_base: Path | None = None
_adopted = False  # the base is another process's (adopt_base)
MARKER = ".mathdl-sandboxes"  # in every base folder: a sweep removes nothing without it
_OURS = re.compile(r"mathdl-(\d+)-(?:[a-z0-9_]{8}|swept-[0-9a-f]{12})")
FLATTEN_DEPTH = 64  # deeper folders are moved up while removing a tree: at most this many open descriptors


def _forget() -> None:
    # in a fork of this process (a grading worker): the base folder is this process's to
    # remove; the fork makes its own, or adopts this one (adopt_base)
    global _base, _adopted
    _base, _adopted = None, False


os.register_at_fork(after_in_child=_forget)


def private_base() -> Path:
    """This process's base folder for sandboxes (made on first use)."""
    global _base, _adopted
    if _base is None or not _base.is_dir():
        _adopted = False
        tmp = Path(tempfile.gettempdir())
        _sweep(tmp)
        _base = Path(tempfile.mkdtemp(prefix=f"mathdl-{os.getpid()}-", dir=tmp))
        os.chmod(_base, 0o711)
        write_new(_base / MARKER, b"")
        atexit.register(remove_base)
    return _base


def adopt_base(base: Path) -> None:
    """Use another process's base folder (a grading worker uses its grading
    process's, which a shared zygote sees); that process removes it."""
    global _base, _adopted
    _base, _adopted = base, True


def remove_base() -> None:
    """Remove this process's base folder (call as the process ends)."""
    global _base
    if _base is not None and not _adopted:
        remove_tree(_base)
    _base = None


def _sweep(tmp: Path) -> None:
    """Remove the base folders of this user's mathdl processes that no longer run.

    Housekeeping only: it never makes the run that sweeps fail. Several
    processes start together (a run's workers) and sweep the same dead folders;
    each folder is first claimed by renaming it to a name carrying this
    process's pid (one rename wins, the others find it gone), so no two
    processes ever remove the same tree. A claimed folder that this process
    fails to remove is swept by a later run, once this process has ended.
    """
    for folder in tmp.glob("mathdl-*-*"):
        mine = _OURS.fullmatch(folder.name)
        if mine is None:
            continue  # e.g. a student's /tmp/mathdl-2025-fall: never touched
        try:
            pid = int(mine.group(1))
            info = folder.lstat()
            marked = "swept-" in folder.name or stat.S_ISREG((folder / MARKER).lstat().st_mode)
        except OSError:
            continue
        if not (marked and stat.S_ISDIR(info.st_mode)) or info.st_uid != os.geteuid() or pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # alive: it removes its own
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        claimed = tmp / f"mathdl-{os.getpid()}-swept-{os.urandom(6).hex()}"
        try:
            os.rename(folder, claimed)
            remove_tree(claimed)
        except OSError:
            continue  # another process claimed it first, or it resists: left for a later run


def new_folder(parent: Path, name: str, mode: int = 0o755) -> Path:
    """A folder that did not exist, with exactly ``mode``."""
    path = parent / name
    os.mkdir(path, mode)
    os.chmod(path, mode)  # not narrowed by the umask
    return path


def write_new(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file that must not exist yet, never through a link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def remove_tree(path: Path) -> None:
    """Remove ``path`` and everything under it: no recursion (a 1500-deep folder
    is fine), no symlink followed, bounded open descriptors (folders deeper than
    FLATTEN_DEPTH are moved up to the top and removed from there)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        top = os.open(path, flags)
    except FileNotFoundError:
        return
    except OSError:  # not a folder (or a link to one): just the entry itself
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        return
    stack: list[tuple[int, str]] = [(top, "")]  # (descriptor, its name in the folder above)
    moved = 0
    try:
        while stack:
            fd = stack[-1][0]
            sub = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
                    try:
                        os.unlink(entry.name, dir_fd=fd)
                    except FileNotFoundError:
                        pass
            if sub is None:
                _, name = stack.pop()
                os.close(fd)
                if stack:
                    os.rmdir(name, dir_fd=stack[-1][0])
                continue
            if len(stack) >= FLATTEN_DEPTH:
                moved += 1
                os.rename(sub, f".mathdl-up-{moved}", src_dir_fd=fd, dst_dir_fd=top)
                continue
            try:
                opened = os.open(sub, flags, dir_fd=fd)
            except PermissionError:  # made unreadable by the child (same user): make it ours again
                os.chmod(sub, 0o700, dir_fd=fd)
                opened = os.open(sub, flags, dir_fd=fd)
            stack.append((opened, sub))
    finally:
        for fd, _ in stack:
            os.close(fd)
    os.rmdir(path)
