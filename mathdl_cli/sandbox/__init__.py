"""Student code runs here: a confined child process the grader talks to.

* :mod:`.box` — :class:`Sandbox` (files, start, calls, kill, close), :class:`Limits`;
* :mod:`.reply` — :class:`Reply`, what a call returned;
* :mod:`.isolation` — the interface of the confinement backends, one module each:
  :mod:`.bwrap`, :mod:`.namespaces` (child side: :mod:`mathdl_cli.confine`),
  :mod:`.process`; each module's docstring says what it promises and what remains;
* :mod:`.probe` — which backend this machine allows, by starting a confined child;
* :mod:`.view` — the file system a confined child sees;
* :mod:`.cgroups`, :mod:`.fs`, :mod:`.zygote` — memory and task limits of a
  whole tree, private folders, the pre-started interpreter batch grading forks;
* :mod:`.spares` — children started ahead for the next submission of a batch.
"""

import importlib

# each name from the module that defines it, loaded on first use: `mathdl check`
# starts its child after importing the box and the plain-process backend alone
_WHERE = {
    "MAX_REPLY_BYTES": "box", "Limits": "box", "Sandbox": "box", "SandboxError": "box", "cleanup": "box",
    "Reply": "reply", "Isolation": "isolation", "BwrapIsolation": "bwrap", "NamespacesIsolation": "namespaces",
    "ProcessIsolation": "process", "IsolationUnavailable": "probe", "hand_down": "probe", "probe_isolation": "probe",
}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
