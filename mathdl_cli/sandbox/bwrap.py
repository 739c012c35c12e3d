"""``bwrap``: bubblewrap (Debian/Ubuntu package ``bubblewrap``), the sandbox Flatpak uses.

Promises (the same as ``namespaces``, enforced by bubblewrap's own code):
  * the child is never root: bubblewrap runs as an unprivileged user (as root,
    the grader hands it to ``nobody`` with ``setpriv`` first) and maps the
    child's uid 1000 to it in a new user namespace; no capability,
    ``no_new_privs``, ``--disable-userns``;
  * its own mount, PID, network (loopback up), IPC, UTS and cgroup
    namespaces; ``--die-with-parent`` and ``--new-session``; when the child
    ends, everything in its PID namespace is killed;
  * the file system of :mod:`mathdl_cli.sandbox.view`, translated to
    bubblewrap's options (``--ro-bind``, ``--tmpfs`` with ``--size``,
    ``--dev-bind`` of the five devices, ``--proc``, ``--remount-ro /``);
  * the same cgroup and rlimits as ``namespaces``.

bubblewrap resolves every folder it binds as the unprivileged user. When the
grader is root, the folders (a Python under a 0700 home, say) are therefore
first bound, as root, in a private mount namespace of the launcher
(``unshare --mount``) under a staging tmpfs that ``nobody`` can walk through;
the same launcher joins the cgroup before anything is forked.

A zygote's fork cannot be handed to bubblewrap, so with this backend every
child is started from scratch (Python and numpy imported per child).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import fs, view
from .isolation import INSIDE_ID, Isolation
from .zygote import child_argv

if TYPE_CHECKING:
    from .box import Sandbox

# Runs as root in a fresh private mount namespace (made by ``unshare --mount``):
# joins the cgroups, binds each source on its place in the sandbox's stage
# folder (made by the parent), shows the stage at /tmp, where the unprivileged
# user can reach it whatever TMPDIR is, then executes the rest of its arguments
# (setpriv ... bwrap).
_LAUNCH = r"""
set -e
n=$1; shift
while [ "$n" -gt 0 ]; do echo $$ > "$1"; shift; n=$((n - 1)); done
stage=$1; n=$2; shift 2
i=0
while [ "$n" -gt 0 ]; do
  mount --rbind "$1" "$stage/$i"
  shift; n=$((n - 1)); i=$((i + 1))
done
mount --rbind "$stage" /tmp
exec "$@"
"""
_JOIN = 'for f; do [ "$f" = -- ] && break; echo $$ > "$f"; shift; done; shift; exec "$@"'
STAGE = "/tmp"  # where the stage appears in the launcher's private mount namespace


class BwrapIsolation(Isolation):
    name = "bwrap"
    confined = True
    forks = False

    def __init__(self, drop: tuple[int, int] | None = None, program: str = "bwrap"):
        super().__init__(drop)
        self.program = program

    def files_inside(self, box: "Sandbox") -> str:
        return view.FILES

    @staticmethod
    def _stage(box: "Sandbox", sources: list[str]) -> Path:
        """The sandbox's stage folder: one mount point per bind source."""
        stage = box.root / "stage"
        if not stage.is_dir():
            fs.new_folder(box.root, "stage", 0o755)
            for i, source in enumerate(sources):
                if os.path.isdir(source):
                    fs.new_folder(stage, str(i), 0o755)
                else:
                    fs.write_new(stage / str(i), b"")
        return stage

    def child_config(self, box: "Sandbox", runtime: Path) -> dict:
        return {"cwd": view.SCRATCH, "student_roots": [view.FILES]}

    def command(self, box: "Sandbox", config: dict) -> tuple[list[str], list[int]]:
        config = dict(config)
        cgroups = config.pop("cgroups", [])  # joined by the launcher, before bubblewrap forks
        entries = view.build(box.runtime, box.files, box.limits.scratch_mb << 20, box.hide)
        root = os.geteuid() == 0
        sources = sorted({e[1] for e in entries if e[0] == "bind"})
        staged = {src: f"{STAGE}/{i}" for i, src in enumerate(sources)} if root else {src: src for src in sources}
        args = [
            self.program, "--unshare-user", "--uid", str(INSIDE_ID), "--gid", str(INSIDE_ID),
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--disable-userns", "--hostname", "mathdl", "--die-with-parent", "--new-session",
        ]
        for entry in entries:
            kind = entry[0]
            if kind == "bind":
                args += ["--ro-bind", staged[entry[1]], entry[2]]
            elif kind == "symlink":
                args += ["--symlink", entry[1], entry[2]]
            elif kind == "tmpfs":
                args += ["--perms", entry[3], "--size", str(entry[2]), "--tmpfs", entry[1]]
            elif kind == "hide":
                args += ["--perms", "0000", "--size", "4096", "--tmpfs", entry[1], "--remount-ro", entry[1]]
            elif kind == "dev":
                dev = entry[1]
                args += ["--perms", "0755", "--size", "65536", "--tmpfs", dev]
                for name in ("null", "zero", "full", "random", "urandom"):
                    args += ["--dev-bind", f"/dev/{name}", f"{dev}/{name}"]
                for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
                    args += ["--symlink", target, f"{dev}/{name}"]
                args += ["--perms", "1777", "--size", str(entry[2]), "--tmpfs", f"{dev}/shm", "--remount-ro", dev]
            elif kind == "proc":
                args += ["--proc", entry[1]]
            else:
                raise ValueError(f"unknown view entry {kind!r}")
        args += ["--remount-ro", "/", "--chdir", view.SCRATCH, "--"]
        args += child_argv(view.RUNTIME, json.dumps(config))
        if root:
            if self.drop is None:
                raise OSError("bubblewrap as root needs an unprivileged user to run as")
            uid, gid = self.drop
            drop = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs", "--"]
            stage = self._stage(box, sources)
            launch = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", _LAUNCH, "mathdl-bwrap"]
            return [*launch, str(len(cgroups)), *cgroups, str(stage), str(len(sources)), *sources, *drop, *args], []
        if cgroups:
            return ["sh", "-c", _JOIN, "mathdl-bwrap", *cgroups, "--", *args], []
        return args, []
