"""Student code runs here: a confined child process the grader talks to.

* :mod:`.box` — :class:`Sandbox` (files, start, calls, kill, close), :class:`Limits`, :class:`Reply`;
* :mod:`.isolation` — the interface of the confinement backends, one module each:
  :mod:`.bwrap`, :mod:`.namespaces` (child side: :mod:`mathdl_cli.confine`),
  :mod:`.process`; each module's docstring says what it promises and what remains;
* :mod:`.probe` — which backend this machine allows, by starting a confined child;
* :mod:`.view` — the file system a confined child sees;
* :mod:`.cgroups`, :mod:`.fs`, :mod:`.zygote` — memory and task limits of a
  whole tree, private folders, the pre-started interpreter batch grading forks;
* :mod:`.spares` — children started ahead for the next submission of a batch.
"""

from .box import MAX_REPLY_BYTES, Limits, Reply, Sandbox, SandboxError, cleanup
from .bwrap import BwrapIsolation
from .isolation import Isolation
from .namespaces import NamespacesIsolation
from .probe import IsolationUnavailable, hand_down, probe_isolation
from .process import ProcessIsolation

__all__ = [
    "MAX_REPLY_BYTES", "Limits", "Reply", "Sandbox", "SandboxError", "cleanup", "Isolation", "BwrapIsolation",
    "NamespacesIsolation", "ProcessIsolation", "IsolationUnavailable", "hand_down", "probe_isolation",
]
