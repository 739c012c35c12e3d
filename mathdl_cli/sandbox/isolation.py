"""The interface every confinement backend implements.

A backend says how a child is started and what the child does to itself
before it runs student code. The :class:`~mathdl_cli.sandbox.box.Sandbox`
does the rest the same way for every backend: private folders, the cgroup,
the log descriptor, the protocol, killing and clean-up.

===============  =========================================  ==================
backend          module                                     chosen when
===============  =========================================  ==================
``bwrap``        :mod:`mathdl_cli.sandbox.bwrap`            bubblewrap works
``namespaces``   :mod:`mathdl_cli.sandbox.namespaces`       user namespaces work
``process``      :mod:`mathdl_cli.sandbox.process`          anything else
===============  =========================================  ==================

:func:`mathdl_cli.sandbox.probe.probe_isolation` picks one by really starting
a confined child with it (see there); ``MATHDL_ISOLATION`` forces one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .box import Sandbox
    from .zygote import Zygote

INSIDE_ID = 1000  # the child's uid and gid inside its user namespace (confined backends)


class Isolation:
    """One way of confining children. Subclasses set the class attributes and
    implement the three methods."""

    name = "?"  # recorded with every result ("bwrap", "namespaces", "process", "process+nobody")
    confined = False  # own namespaces: the host's files, processes, network and IPC are out of reach
    forks = False  # a zygote's fork can be confined exactly like a fresh child
    contained_zygote = False  # the zygote itself runs inside this backend's confinement (see zygote_command)

    def __init__(self, drop: tuple[int, int] | None = None):
        self.drop = drop  # (uid, gid) the child runs as on the host when the grader is root

    def describe(self) -> dict:
        """What a worker process needs to rebuild this backend without probing."""
        return {"mode": self.name.split("+")[0], "drop": list(self.drop) if self.drop else None}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(drop={self.drop})"

    # -- what the child sees -----------------------------------------------
    def files_inside(self, box: "Sandbox") -> str:
        """The submission files' folder as the child sees it."""
        raise NotImplementedError

    def child_config(self, box: "Sandbox", runtime: Path) -> dict:
        """The part of child.py's configuration that confines it: ``cwd``,
        ``student_roots``, and ``drop`` or ``confine`` (``runtime`` is the
        folder the child's own code comes from)."""
        raise NotImplementedError

    def command(self, box: "Sandbox", config: dict) -> tuple[list[str], list[int]]:
        """The command that starts a fresh child with ``config`` (JSON), and the
        descriptors it must inherit."""
        raise NotImplementedError

    # -- a zygote's forks (backends with ``forks``) ----------------------------
    def zygote_command(self, zygote: "Zygote", args: list[str]) -> list[str]:
        """The command that starts ``zygote`` with the zygote's ``args``: by
        default unconfined, as the grader's user (its forks confine themselves
        from scratch)."""
        from .zygote import child_argv

        return child_argv(str(zygote.dir), *args)

    def fork_config(self, box: "Sandbox", zygote: "Zygote") -> dict:
        """:meth:`child_config` for a fork of ``zygote``."""
        return self.child_config(box, zygote.dir)
