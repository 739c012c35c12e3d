"""Which isolation this machine allows, decided by starting a confined child.

Nothing is decided by a guess: every candidate is tried by starting a real
child with it, which imports the standard library and numpy inside its
confinement and answers a probe call; the answer must show what the backend
promises (for the confined ones: a uid that maps to an unprivileged host uid,
a read-only /usr, no route to the network, loopback up; for ``process+nobody``:
really ``nobody``). The first candidate that passes is used:

* ``MATHDL_ISOLATION`` unset or ``auto``: ``bwrap`` if bubblewrap is
  installed, else ``namespaces`` (Linux), else ``process`` (as root first
  ``process+nobody``, then ``process``);
* ``MATHDL_ISOLATION=bwrap|namespaces|process``: only that mode; if it does
  not work, :class:`IsolationUnavailable` says why (never a silent fallback).

The choice is made once per process and handed to worker processes through
``MATHDL_ISOLATION_PROBED``, so they need not probe again.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

from .bwrap import BwrapIsolation
from .isolation import INSIDE_ID, Isolation
from .namespaces import NamespacesIsolation
from .process import ProcessIsolation

MODES = ("bwrap", "namespaces", "process")
INHERITED = "MATHDL_ISOLATION_PROBED"
HOW_TO_CONFINE = (
    "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; on Ubuntu >= 24.04 also allow it "
    "user namespaces through AppArmor, see the README), or allow unprivileged user namespaces "
    "(sysctl kernel.unprivileged_userns_clone=1; Ubuntu >= 24.04: kernel.apparmor_restrict_unprivileged_userns=0)"
)

_PROBE = '''
import os, socket

def facts(confined):
    import decimal, json, numpy  # the standard library and numpy load in here
    out = {"uid": os.getuid(), "euid": os.geteuid(), "numpy": numpy.__version__}
    try:
        with open("/proc/self/uid_map") as fh:
            out["uid_map"] = fh.read().split()
    except OSError:
        out["uid_map"] = []
    if confined:
        try:
            open("/usr/.mathdl-probe", "w")
            out["usr_writable"] = True
        except OSError:
            out["usr_writable"] = False
        with socket.socket() as s:
            s.settimeout(2)
            out["egress"] = s.connect_ex(("1.1.1.1", 80)) == 0
        with socket.socket() as server, socket.socket() as client:
            server.bind(("127.0.0.1", 0))
            server.listen()
            out["loopback"] = client.connect_ex(server.getsockname()) == 0
    return out
'''


class IsolationUnavailable(RuntimeError):
    """The isolation asked for (or any at all) does not work on this machine."""


_cache: dict[str, Isolation] = {}
notes: list[str] = []  # why stronger candidates were passed over (for the grader's report)


def unprivileged_ids() -> tuple[int, int]:
    """The host user a root grader's children run as: ``nobody``."""
    try:
        import pwd

        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except (ImportError, KeyError):
        return 65534, 65534


def build(mode: str, drop: tuple[int, int] | None) -> Isolation:
    if mode == "bwrap":
        return BwrapIsolation(drop, shutil.which("bwrap") or "bwrap")
    if mode == "namespaces":
        return NamespacesIsolation(drop)
    if mode == "process":
        return ProcessIsolation(drop)
    raise IsolationUnavailable(f"unknown isolation {mode!r} (MATHDL_ISOLATION is one of auto, {', '.join(MODES)})")


def _candidates(mode: str) -> list[Isolation]:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    drop = unprivileged_ids() if root else None
    linux = sys.platform.startswith("linux")
    out: list[Isolation] = []
    if mode in ("auto", "bwrap") and linux and (shutil.which("bwrap") or mode == "bwrap"):
        out.append(build("bwrap", drop))
    if mode in ("auto", "namespaces") and (linux or mode == "namespaces"):
        out.append(build("namespaces", drop))
    if mode in ("auto", "process"):
        if root:
            out.append(build("process", drop))
        out.append(build("process", None))
    return out


def check(candidate: Isolation) -> str | None:
    """Start a child with ``candidate``; None if it keeps every promise, else why not."""
    from .box import Limits, Sandbox, SandboxError

    if candidate.name == "bwrap" and not shutil.which(getattr(candidate, "program", "bwrap")):
        return "bubblewrap (bwrap) is not installed"
    if candidate.name == "bwrap" and os.geteuid() == 0 and not (shutil.which("unshare") and shutil.which("setpriv")):
        return "as root, bubblewrap is started through util-linux's unshare and setpriv, which are missing"
    from .zygote import running_zygote

    # a zygote already started for this isolation (grade starts one while it probes): the
    # probe's child is one of its forks, like the children the run will grade with
    zygote = running_zygote(candidate) if candidate.forks else None
    try:
        with Sandbox(isolation=candidate, limits=Limits(memory_mb=None, cpu_seconds=60), zygote=zygote is not None,
                     preload=zygote.preload if zygote is not None else ()) as box:
            path = box.add_file("mathdl_probe.py", _PROBE.encode())
            reply = box.call(path, "facts", [candidate.confined], {}, timeout=60)
    except SandboxError as exc:
        return str(exc).splitlines()[0] + "".join(f"\n    {line}" for line in str(exc).splitlines()[1:4])
    except OSError as exc:
        return f"could not start a child: {exc}"
    if reply.kind != "return" or not isinstance(reply.value, dict):
        return f"the probe call failed: {reply.kind} {reply.type} {reply.message or reply.detail}"[:500]
    facts = reply.value
    if candidate.confined:
        mapping = facts.get("uid_map") or []
        if facts.get("uid") != INSIDE_ID or len(mapping) != 3 or mapping[1] == "0":
            return f"the child's user is not an unprivileged one (uid {facts.get('uid')}, map {mapping})"
        if facts.get("usr_writable"):
            return "the child could write into /usr"
        if facts.get("egress"):
            return "the child reached the network"
        if not facts.get("loopback"):
            return "the child's loopback interface is down"
    elif candidate.drop is not None and facts.get("euid") != candidate.drop[0]:
        return f"the child runs as uid {facts.get('euid')}, not {candidate.drop[0]}"
    return None


def _wanted(mode: str | None) -> str:
    """The mode asked for: the argument, else MATHDL_ISOLATION, else auto."""
    return (mode or os.environ.get("MATHDL_ISOLATION") or "auto").strip().lower()


def probe_isolation(mode: str | None = None) -> Isolation:
    """The isolation to use (see the module's docstring); probed once per process."""
    wanted = _wanted(mode)
    if wanted not in ("auto", *MODES):
        raise IsolationUnavailable(f"unknown isolation {wanted!r} (MATHDL_ISOLATION is one of auto, {', '.join(MODES)})")
    if wanted in _cache:
        return _cache[wanted]
    inherited = os.environ.get(INHERITED)
    if inherited:
        try:
            desc = json.loads(inherited)
            if wanted in ("auto", desc["mode"]):
                chosen = build(desc["mode"], tuple(desc["drop"]) if desc.get("drop") else None)
                _cache[wanted] = chosen
                return chosen
        except (ValueError, KeyError, TypeError):
            pass
    reasons = []
    for candidate in _candidates(wanted):
        why = check(candidate)
        if why is None:
            notes[:] = reasons
            _cache[wanted] = candidate
            return candidate
        reasons.append(f"{candidate.name}: {why}")
    detail = "\n".join(f"  - {r}" for r in reasons) or "  (no candidate on this platform)"
    if wanted == "auto":
        raise IsolationUnavailable(f"no child process could be started here:\n{detail}")
    raise IsolationUnavailable(f"MATHDL_ISOLATION={wanted} does not work here:\n{detail}\nTo fix it: {HOW_TO_CONFINE}.")


def likely(mode: str | None = None) -> Isolation | None:
    """The candidate :func:`probe_isolation` tries first, not checked (so that
    what it needs can start while the probe runs); None if there is none."""
    wanted = _wanted(mode)
    if wanted in _cache:
        return _cache[wanted]
    if wanted not in ("auto", *MODES):
        return None
    candidates = _candidates(wanted)
    return candidates[0] if candidates else None


def hand_down(isolation: Isolation) -> None:
    """Let worker processes started from now on use ``isolation`` without probing."""
    os.environ[INHERITED] = json.dumps(isolation.describe())
