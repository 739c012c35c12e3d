"""``process`` (weak): a plain child process, for students and as a last resort.

Promises:
  * student code runs in its own ``python -I -B`` process and session, in a
    fresh scratch folder, with a minimal environment (no secret, no
    ``MATHDL_*``), the grader's data never in its memory; only plain data
    comes back;
  * rlimits on CPU time, address space, file size, open files and core dumps;
  * when the grader is root and the probe showed that ``nobody`` can start
    Python and import numpy: the child runs as ``nobody`` without groups
    (``process+nobody``), and a cgroup caps the memory and the number of tasks
    of its whole tree and kills every process left when it is done.

What remains (why ``mathdl grade`` refuses it without --allow-weak-isolation):
  * the child sees the host's whole file system with its user's rights:
    anything world-readable (often the course, its references, the other
    submissions and the outputs) can be read, anything its user may write can
    be written; without the drop to ``nobody`` that is everything the grader
    itself can read or write;
  * the network is open; other processes are visible in /proc, and all the
    children of a batch share one uid, so a child can signal, ptrace or read
    the files of a classmate's concurrent child;
  * SysV IPC objects, files in /tmp or /dev/shm and (without a cgroup) daemons
    that leave the process group outlive the child; without a cgroup the
    memory limit is per process and nothing caps the number of processes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .isolation import Isolation
from .zygote import child_argv

if TYPE_CHECKING:
    from .box import Sandbox


class ProcessIsolation(Isolation):
    confined = False
    forks = True

    def __init__(self, drop: tuple[int, int] | None = None):
        super().__init__(drop)
        self.name = "process+nobody" if drop else "process"

    def files_inside(self, box: "Sandbox") -> str:
        return str(box.files)

    def child_config(self, box: "Sandbox", runtime: Path) -> dict:
        return {"cwd": str(box.scratch), "student_roots": [str(box.files)], "drop": list(self.drop) if self.drop else None}

    def command(self, box: "Sandbox", config: dict) -> tuple[list[str], list[int]]:
        import json

        return child_argv(str(box.runtime), json.dumps(config)), []
