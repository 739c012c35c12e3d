"""Children started ahead, for a process that grades one submission after another.

A zygote's fork is ready some milliseconds after the grader asks for it, most of
them spent waiting: joining its cgroups can wait for a kernel grace period (5 to
20 ms where cgroup v1 or v2 is mounted without ``favordynmods``), then it
confines itself. Batch grading asks for the next submission's children while it
grades this one, so that the wait overlaps with work instead of preceding it.

A spare is an ordinary :class:`Sandbox` with its child started and no files: it
has run nothing of anyone's. The submission's files are added when it is taken
(the child imports a module on its first call), and it is closed with its run
like any sandbox. Spares left over are closed with the process (``cleanup``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .box import Limits, Sandbox
from .isolation import Isolation
from .probe import probe_isolation

_spares: list[tuple[tuple, Sandbox]] = []
_inherited: list = []


def _forget() -> None:
    """In a fork of this process (a grading worker): the spares are this
    process's children; the fork never takes or closes them (they stay
    referenced, so that nothing of theirs is finalized in the fork)."""
    _inherited.extend(_spares)
    _spares.clear()


os.register_at_fork(after_in_child=_forget)


def _settings(isolation: Isolation, limits: Limits | None, hide: list[Path] | None, zygote: bool, preload: tuple[str, ...]) -> tuple:
    # the isolation first: a spare never serves a run that asked for another confinement
    return (json.dumps(isolation.describe()), limits or Limits(), tuple(Path(p) for p in hide or ()), zygote, tuple(preload))


def take(limits: Limits | None = None, hide: list[Path] | None = None, zygote: bool = False, preload: tuple[str, ...] = ()) -> Sandbox:
    """A spare started with these settings (and this process's isolation, as
    MATHDL_ISOLATION asks now), or else a new sandbox (not started)."""
    isolation = probe_isolation()
    wanted = _settings(isolation, limits, hide, zygote, preload)
    for i, (settings, sandbox) in enumerate(_spares):
        if settings == wanted:
            del _spares[i]
            return sandbox
    return Sandbox(isolation=isolation, limits=limits, hide=hide, zygote=zygote, preload=preload)


def prepare(count: int, limits: Limits | None = None, hide: list[Path] | None = None, zygote: bool = False,
            preload: tuple[str, ...] = ()) -> None:
    """Start spares until ``count`` of them have these settings; spares for
    other settings (another chapter's preload, another isolation) are closed."""
    isolation = probe_isolation()
    wanted = _settings(isolation, limits, hide, zygote, preload)
    for settings, sandbox in [s for s in _spares if s[0] != wanted]:
        _spares.remove((settings, sandbox))
        sandbox.close()
    while len(_spares) < count:
        sandbox = Sandbox(isolation=isolation, limits=limits, hide=hide, zygote=zygote, preload=preload)
        _spares.append((wanted, sandbox))
        sandbox.start()


def close_spares() -> None:
    while _spares:
        _spares.pop()[1].close()
