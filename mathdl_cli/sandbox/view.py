"""The file system a confined child sees: nothing of the host but what it needs.

Both confined backends (bubblewrap and namespaces) build the child's root from
the same list of entries, so they show exactly the same thing:

* read-only: the system folders (/usr, /etc and the /bin, /lib... links or
  folders), the Python interpreter, the standard library and the
  site-packages that hold numpy and torch (each at its own path, so a venv
  under /tmp or a Python under a 0700 home works unchanged), the child
  runtime at ``RUNTIME``, the submission's files at ``FILES``;
* writable: only ``SCRATCH`` (the child's working folder, home and TMPDIR), a
  tmpfs of ``Limits.scratch_mb``, and /dev/shm (``SHM_MB``), both memory that
  counts against the child's memory cgroup and disappears with it;
* a minimal /dev (null, zero, full, random, urandom), /proc of the child's own
  PID namespace with /proc/sys read-only; no /sys, /home, /root, /var, /run,
  /work or host /tmp.

Folders the grader names as hidden (the course, the outputs, the submissions)
are covered by an empty read-only tmpfs if they happen to lie inside one of
the folders shown (a course under /usr/local, say).

An entry is a list: ``["bind", source, target]`` (read-only, recursive),
``["symlink", link_target, path]``, ``["tmpfs", path, bytes, mode]``,
``["hide", path]``, ``["dev", path, shm_bytes]``, ``["proc", path]``.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from pathlib import Path

RUNTIME = "/run/mathdl"  # the child runtime (child.py, wire.py, ...), read-only
FILES = "/submission"  # the submission's files, read-only
SCRATCH = "/tmp"  # the only writable folder besides /dev/shm
SHM_MB = 16
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


@functools.lru_cache(maxsize=None)
def _interpreter_paths() -> tuple[str, ...]:
    return tuple(_find_interpreter_paths())


def interpreter_paths() -> list[str]:
    """Folders the child's Python needs, real paths, outermost only: the
    prefixes (venv and base), the executable's folder, and the folders that
    hold numpy and torch (found without importing them; once per process)."""
    return list(_interpreter_paths())


def _find_interpreter_paths() -> list[str]:
    wanted = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix, os.path.dirname(sys.executable)}
    for name in ("numpy", "torch"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            folder = os.path.dirname(list(spec.submodule_search_locations)[0])
            if os.path.basename(folder) in ("site-packages", "dist-packages"):  # not a checkout on PYTHONPATH
                wanted.add(folder)
    real = sorted({os.path.realpath(p) for p in wanted if p} | {os.path.abspath(p) for p in wanted if p})
    return [p for p in real if os.path.isdir(p) and not any(q != p and _under(p, q) for q in real)]


def build(runtime: Path, files: Path, scratch_bytes: int, hide: list[Path], files_at: str = FILES) -> list[list]:
    """The entries of a child's root, in the order they must be applied
    (``files`` is shown at ``files_at``)."""
    entries: list[list] = []
    shown: list[str] = []
    for folder in SYSTEM:
        if os.path.islink(folder):
            entries.append(["symlink", os.readlink(folder), folder])
        elif os.path.isdir(folder):
            entries.append(["bind", folder, folder])
            shown.append(folder)
    entries.append(["tmpfs", SCRATCH, int(scratch_bytes), "0755"])
    for path in interpreter_paths():
        if any(_under(path, s) for s in shown):
            continue
        if _under(path, "/proc") or _under(path, "/dev"):
            continue
        entries.append(["bind", path, path])
        shown.append(path)
    entries.append(["bind", str(runtime), RUNTIME])
    entries.append(["bind", str(files), files_at])
    for folder in hide:
        path = os.path.realpath(folder)
        if any(_under(path, s) for s in shown):
            entries.append(["hide", path])
    entries.append(["dev", "/dev", SHM_MB << 20])
    entries.append(["proc", "/proc"])
    return entries
