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

Batch grading forks its children from a zygote that itself runs in a
bubblewrap container (the same file system, with the process's sandbox
folders at ``BOXES``, the same namespaces, ``--disable-userns``), holding the
capabilities ``FORK_CAPS`` of that container's user namespace only. Each fork
confines itself further with :mod:`mathdl_cli.confine` before any student code
(``nested``: no user namespace of its own, since bubblewrap forbids one): new
mount, PID, network, IPC, UTS and cgroup namespaces, a new root showing only
its own submission, then every capability dropped and ``no_new_privs``. It
joins its cgroup through descriptors the grader opened, and its host pid
reaches the grader as Unix socket credentials, which the kernel translates.
Where the zygote or a fork cannot start (no capabilities in bubblewrap's
namespace, say), children are started from scratch.
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
    from .zygote import Zygote

# Runs as root in a fresh private mount namespace (made by ``unshare --mount``):
# joins the cgroups, then one ``mount --all`` reads the stage's fstab (written by
# the parent): each source bound on its place in the stage folder, then the stage
# shown at /tmp, where the unprivileged user can reach it whatever TMPDIR is; then
# executes the rest of its arguments (setpriv ... bwrap). One mount process, not one
# per source: 6 ms less for every bubblewrap child started from scratch (grade's zygote,
# the isolation probe; a check's child is a plain process).
_LAUNCH = r"""
set -e
n=$1; shift
while [ "$n" -gt 0 ]; do echo $$ > "$1"; shift; n=$((n - 1)); done
mount --all --fstab "$1"
shift
exec "$@"
"""
_JOIN = 'for f; do [ "$f" = -- ] && break; echo $$ > "$f"; shift; done; shift; exec "$@"'
STAGE = "/tmp"  # where the stage appears in the launcher's private mount namespace
BOXES = "/run/mathdl-boxes"  # the process's sandbox folders, read-only, in a zygote's container
# what a zygote's fork needs to confine itself (mounts and namespaces, loopback up, no further user
# namespaces, the bounding set dropped); all of them only in the container's user namespace, and
# all dropped by the fork before any student code runs
FORK_CAPS = ("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_RESOURCE", "CAP_SETPCAP")


class BwrapIsolation(Isolation):
    name = "bwrap"
    confined = True
    forks = True
    contained_zygote = True

    def __init__(self, drop: tuple[int, int] | None = None, program: str = "bwrap"):
        super().__init__(drop)
        self.program = program

    def files_inside(self, box: "Sandbox") -> str:
        return view.FILES

    def child_config(self, box: "Sandbox", runtime: Path) -> dict:
        return {"cwd": view.SCRATCH, "student_roots": [view.FILES]}

    def command(self, box: "Sandbox", config: dict) -> tuple[list[str], list[int]]:
        config = dict(config)
        cgroups = config.pop("cgroups", [])  # joined by the launcher, before bubblewrap forks
        entries = view.build(box.runtime, box.files, box.limits.scratch_mb << 20, box.hide)
        return self._launch(box.root, entries, child_argv(view.RUNTIME, json.dumps(config)), cgroups), []

    def zygote_command(self, zygote: "Zygote", args: list[str]) -> list[str]:
        from ..catalog import course_root

        # the container's /tmp only holds the mount point of each fork's new root
        entries = view.build(zygote.dir, fs.private_base(), 1 << 20, [course_root()], files_at=BOXES)
        return self._launch(zygote.root, entries, child_argv(view.RUNTIME, *args, "--pid-namespaces"), [], FORK_CAPS)

    def fork_config(self, box: "Sandbox", zygote: "Zygote") -> dict:
        files = Path(BOXES) / box.files.relative_to(fs.private_base())  # where the container shows them
        entries = view.build(Path(view.RUNTIME), files, box.limits.scratch_mb << 20, box.hide)
        spec = {"view": entries, "drop": None, "hostname": "mathdl", "nested": True}
        return {"cwd": view.SCRATCH, "student_roots": [view.FILES], "runtime": view.RUNTIME, "confine": spec}

    @staticmethod
    def _stage(folder: Path, sources: list[str]) -> Path:
        """The stage folder of a sandbox or zygote, one mount point per bind source,
        and its fstab (the launcher's mounts, each source on its mount point, then
        the stage on /tmp); returns the fstab's path. Made again if the sources changed."""
        stage = folder / "stage"
        table = folder / "stage.fstab"
        lines = [f"{_fstab_field(src)} {_fstab_field(str(stage / str(i)))} none rbind 0 0\n" for i, src in enumerate(sources)]
        lines.append(f"{_fstab_field(str(stage))} {STAGE} none rbind 0 0\n")
        wanted = "".join(lines).encode("ascii")
        try:
            if table.read_bytes() == wanted:
                return table
        except FileNotFoundError:
            pass
        if stage.is_dir():  # only mount points: the binds live in the launchers' private namespaces
            fs.remove_tree(stage)
        table.unlink(missing_ok=True)
        fs.new_folder(folder, "stage", 0o755)
        for i, source in enumerate(sources):
            if os.path.isdir(source):
                fs.new_folder(stage, str(i), 0o755)
            else:
                fs.write_new(stage / str(i), b"")
        fs.write_new(table, wanted, 0o600)
        return table

    def _launch(self, folder: Path, entries: list[list], inner: list[str], cgroups: list[str], caps: tuple[str, ...] = ()) -> list[str]:
        """The command running ``inner`` in a bubblewrap container showing ``entries``
        (as root: through the staging launcher and ``setpriv``), in ``cgroups``."""
        root = os.geteuid() == 0
        sources = sorted({e[1] for e in entries if e[0] == "bind"})
        staged = {src: f"{STAGE}/{i}" for i, src in enumerate(sources)} if root else {src: src for src in sources}
        args = [
            self.program, "--unshare-user", "--uid", str(INSIDE_ID), "--gid", str(INSIDE_ID),
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--disable-userns", "--hostname", "mathdl", "--die-with-parent", "--new-session",
        ]
        for cap in caps:
            args += ["--cap-add", cap]
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
        args += ["--remount-ro", "/", "--chdir", view.SCRATCH, "--", *inner]
        if root:
            if self.drop is None:
                raise OSError("bubblewrap as root needs an unprivileged user to run as")
            uid, gid = self.drop
            drop = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs", "--"]
            table = self._stage(folder, sources)
            launch = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", _LAUNCH, "mathdl-bwrap"]
            return [*launch, str(len(cgroups)), *cgroups, str(table), *drop, *args]
        if cgroups:
            return ["sh", "-c", _JOIN, "mathdl-bwrap", *cgroups, "--", *args]
        return args


_FSTAB_PLAIN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+@%:,=")


def _fstab_field(path: str) -> str:
    """A path as one fstab field: every byte but a few plain ones as an octal escape
    (libmount reads \\ooo back), so a space, a tab, a newline or a '#' in a folder's
    name can neither split the line nor start a comment."""
    return "".join(chr(b) if b in _FSTAB_PLAIN else f"\\{b:03o}" for b in os.fsencode(path))
