"""The child of ``mathdl check``, started before anything else is imported.

``mathdl check`` spends most of its time waiting for the child process that
will run the student's code to start Python and import numpy. The entry point
starts that child first (:func:`start_early`), before typer, numpy and the
grader's own modules are imported, so the two start-ups overlap. This module
imports nothing of mathdl but the sandbox (and that only when called), so
that the child starts as early as it can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sandbox import Sandbox

_early: "Sandbox | None" = None


def student_sandbox(start: bool = True, preload: tuple[str, ...] = ()) -> "Sandbox":
    """A sandbox for a student's own code: a plain process with limits."""
    from .sandbox import ProcessIsolation, Sandbox
    from .sandbox.box import SPIN_SECONDS

    # the student's child and this process are the only busy ones: each may poll for the
    # other's message on a CPU of its own (see Sandbox's spin), if there are two to use
    spin = SPIN_SECONDS if _cores() >= 2 else 0.0
    # the default Limits: no more memory than grading gives, so what passes here is not refused there
    sandbox = Sandbox(isolation=ProcessIsolation(), preload=preload, spin=spin)
    if start:
        sandbox.start()
    return sandbox


def _cores() -> float:
    """The CPUs this process may use: those it may run on, and no more than its
    cgroup's CPU quota allows (a container started with --cpus=1 sees every core
    of the machine, and a poll would spend its quota)."""
    import os

    affinity = getattr(os, "sched_getaffinity", None)
    cores = float(len(affinity(0)) if affinity is not None else os.cpu_count() or 1)
    return min(cores, _cgroup_cpu_quota())


def _cgroup_cpu_quota(root: str = "/sys/fs/cgroup", membership: str = "/proc/self/cgroup") -> float:
    """CPUs allowed by this process's cgroup v2 ``cpu.max`` and its parents' (inf if none)."""
    import os

    try:
        with open(membership) as fh:
            path = next((line.strip()[3:] for line in fh if line.startswith("0::")), None)
    except OSError:
        return float("inf")
    quota = float("inf")
    while path:
        try:
            with open(os.path.join(root, path.lstrip("/"), "cpu.max")) as fh:
                limit, period = fh.read().split()[:2]
            if limit != "max":
                quota = min(quota, int(limit) / int(period))
        except (OSError, ValueError, ZeroDivisionError):
            pass
        path = os.path.dirname(path) if path != "/" else ""
    return quota


def start_early() -> None:
    """Start the child of a ``mathdl check`` at once. It stays empty until
    :func:`early_sandbox` hands it over (the child imports the student's
    modules on its first call); an unused one is closed with the process."""
    import atexit

    global _early
    _early = student_sandbox(start=True)
    atexit.register(_close_early)  # after the sandbox module's own cleanup: runs before it


def _close_early() -> None:
    global _early
    sandbox, _early = _early, None
    if sandbox is not None:
        sandbox.close()


def early_sandbox(preload: tuple[str, ...] = ()) -> "Sandbox":
    """The child started by :func:`start_early` if it suits (the same preload),
    else a new sandbox for a student's code, not started."""
    global _early
    sandbox, _early = _early, None
    if sandbox is not None and tuple(sandbox.preload) == tuple(preload):
        return sandbox
    if sandbox is not None:
        sandbox.close()  # a torch chapter: its child must import torch from the start
    return student_sandbox(start=False, preload=preload)
