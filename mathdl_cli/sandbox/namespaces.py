"""``namespaces``: Linux namespaces set up by mathdl itself (no external tool).

Promises (the same as ``bwrap``; enforced by :mod:`mathdl_cli.confine`, which
runs in the child before any student code, in children started from scratch
and in a zygote's forks alike):
  * the child is never root: as root the grader first becomes ``nobody``, then
    a new user namespace maps the child's uid 1000 to that unprivileged host
    uid (for a grader that is not root, to the grader's own uid); no
    capability, ``no_new_privs``, no further user namespace;
  * its own mount, PID, network (loopback only, up), IPC, UTS and cgroup
    namespaces: it sees no host process, cannot signal or ptrace one, reaches
    no network, shares no SysV IPC object or abstract socket, cannot change
    the hostname; when it ends, the kernel kills every process left in its
    PID namespace, and its IPC objects and tmpfs go with the namespaces;
  * the file system of :mod:`mathdl_cli.sandbox.view`: read-only system,
    interpreter, runtime and submission; a size-limited tmpfs as the only
    writable folder; a minimal /dev; /proc of its own PID namespace with
    /proc/sys read-only;
  * a cgroup for memory and tasks of the whole tree (when the grader can make
    one; the probe says), RLIMIT_NPROC counted in its own user namespace, and
    the usual rlimits.

Needs Linux with user namespaces open to unprivileged users
(``kernel.unprivileged_userns_clone``; on Ubuntu ≥ 24.04 also
``kernel.apparmor_restrict_unprivileged_userns=0``). What remains: a kernel
bug reachable from an unprivileged user namespace; the CPU is shared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from . import view
from .isolation import Isolation
from .zygote import child_argv

if TYPE_CHECKING:
    from .box import Sandbox


class NamespacesIsolation(Isolation):
    name = "namespaces"
    confined = True
    forks = True

    def files_inside(self, box: "Sandbox") -> str:
        return view.FILES

    def child_config(self, box: "Sandbox", runtime: Path) -> dict:
        entries = view.build(runtime, box.files, box.limits.scratch_mb << 20, box.hide)
        spec = {"view": entries, "drop": list(self.drop) if self.drop else None, "hostname": "mathdl"}
        return {"cwd": view.SCRATCH, "student_roots": [view.FILES], "runtime": view.RUNTIME, "confine": spec}

    def command(self, box: "Sandbox", config: dict) -> tuple[list[str], list[int]]:
        # Python starts with the grader's view of the file system and confines itself
        return child_argv(str(box.runtime), json.dumps(config)), []
