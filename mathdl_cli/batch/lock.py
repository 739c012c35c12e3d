"""One grading run per output folder at a time.

Two runs writing one ``--out`` (two terminals, or cluster shards given the same
folder) would grade everything twice and, on a network filesystem where
appends are not atomic, tear each other's lines in results.jsonl. A run holds
an exclusive ``flock`` on ``--out/.mathdl-lock`` until its process ends; the
kernel releases it even when the process is killed, so a killed run never
leaves a stale lock. Where the filesystem has no locks at all, the run goes
ahead (nothing is lost then: every record is still appended in one write).
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

LOCK = ".mathdl-lock"
_held: dict[Path, int] = {}  # folders this process holds (a command run twice in one process)


def _forget() -> None:
    # in a fork of this process (a grading worker): closing its copies of the descriptors
    # leaves the lock with this process (a flock ends when its last descriptor is closed)
    for fd in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_forget)


class OutputBusy(RuntimeError):
    """Another process is writing to the output folder."""


def hold(out: Path) -> None:
    """Take ``out``'s lock for the rest of this process, or raise OutputBusy."""
    out.mkdir(parents=True, exist_ok=True)
    key = out.resolve()
    if key in _held:
        return
    fd = os.open(key / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        os.close(fd)
        raise OutputBusy(f"another mathdl grade is writing to {out}" + (f" ({holder})" if holder else "")) from None
    except OSError:  # no locks on this filesystem: go ahead unguarded
        os.close(fd)
        return
    text = f"pid {os.getpid()} on {socket.gethostname()}".encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, text, 0)
    _held[key] = fd


def writer(folder: Path) -> str | None:
    """Who is grading into ``folder`` now ("pid N on HOST"), or None if nobody is."""
    if folder.resolve() in _held:
        return None  # this process: the merge of --out into itself
    try:
        fd = os.open(folder / LOCK, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return None
    except BlockingIOError:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
    except OSError:
        return None
    finally:
        os.close(fd)
