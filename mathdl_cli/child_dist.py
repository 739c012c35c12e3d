"""Run one student function on every rank of a torch.distributed process group.

Part of the child runtime (copied into the sandbox next to ``child.py``; standard
library, numpy and torch only). Chapter 23's graders call
``student.f.ranks(world_size, per_rank_args)``; the child then runs
:func:`run_ranks`, which

  * imports torch.distributed once, in the child, and binds a listening socket on
    127.0.0.1 (port chosen by the kernel, so no race for a free port);
  * forks ``world_size`` rank processes (fork, not spawn: torch is already
    imported, so a rank starts in milliseconds instead of re-importing torch);
    each rank drops the child's protocol pipes, dies with the child
    (PR_SET_PDEATHSIG), joins a gloo process group over loopback (rank 0 serves
    the TCPStore on the inherited socket) with a deadline on every collective
    (``init_process_group(timeout=...)``), runs ``func(*args_r, **kwargs)``, and
    writes its result, as wire-format plain data, to its own pipe;
  * waits for every result, or for the first failure plus a short grace (so the
    root cause, not its echo on the other ranks, is reported), or for the overall
    deadline; then kills every rank.

Each rank records what it is doing (``dist.recv(src=2)`` or "running your code")
in a shared page, so a timeout names the rank and the operation. The reply to
the parent is one message: ``return`` with a list of per-rank values (like a
batch of calls), ``raise`` for an exception in student code (``index`` = rank),
``rank_exit`` for a rank that died without a result, ``rank_timeout`` for a
collective that timed out or a deadline, ``rank_setup``
when the process group could not be started (an environment problem, not the
student's), or ``unencodable``.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import sys
import time

SLOT = 160  # bytes of status text per rank in the shared page
GRACE = 0.3  # seconds to wait for other ranks' reports after the first failure
IDLE = "running your code (outside any torch.distributed call)"
OPS = (
    "send", "recv", "isend", "irecv", "broadcast", "all_reduce", "reduce", "all_gather", "gather", "scatter",
    "reduce_scatter", "all_to_all", "barrier", "all_gather_into_tensor", "reduce_scatter_tensor",
    "all_to_all_single", "broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list",
)
PEER = {"send": "dst", "isend": "dst", "recv": "src", "irecv": "src", "broadcast": "src", "reduce": "dst", "gather": "dst", "scatter": "src"}


def run_ranks(func, req: dict, server, *, digests, capture) -> dict:
    """Run ``func`` on every rank; the reply message for the parent."""
    spec = req.get("ranks") or {}
    calls = req.get("calls") or []
    size = int(spec.get("world_size", 0))
    if size < 1 or len(calls) != size:
        return {"kind": "rank_setup", "message": f"{len(calls)} argument lists for world_size {size}"}
    collective = float(spec.get("collective_timeout", 5.0))
    budget = float(spec.get("deadline", 30.0))
    t0 = time.perf_counter()
    deadline = time.monotonic() + budget  # from the request, as the parent's own deadline
    try:
        import mmap
        import socket

        import torch.distributed  # noqa: F401  (imported once here; the forks inherit it)

        _preload(func)

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(4 * size + 4)
    except (ImportError, OSError) as exc:
        return {"kind": "rank_setup", "message": f"torch.distributed cannot run in this sandbox: {type(exc).__name__}: {exc} "
                "(it needs torch and a loopback network interface, 127.0.0.1, that is up)"}
    status = mmap.mmap(-1, size * SLOT)  # MAP_SHARED | MAP_ANONYMOUS: the forks write, the child reads
    port = listener.getsockname()[1]
    ranks: list[tuple[int, int]] = []  # (pid, read fd)
    try:
        for r in range(size):
            rfd, wfd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the rank: never returns
                try:
                    os.close(rfd)
                    for _, fd in ranks:
                        os.close(fd)
                    _rank(r, size, port, listener, calls[r], func, server, wfd, status, collective, digests, capture)
                finally:
                    os._exit(70)
            os.close(wfd)
            ranks.append((pid, rfd))
    finally:
        listener.close()
    reaped: set[int] = set()
    results = _collect(ranks, deadline, server.wire, reaped)
    live = [pid for pid, _ in ranks if pid not in reaped]  # a reaped rank's pid may be another process's now
    for pid in live:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in live:
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
    states = [_slot(status, r) for r in range(size)]
    status.close()
    return _reply(results, states, size, collective, budget, time.perf_counter() - t0)


# -- the coordinator ----------------------------------------------------------------


LAZY_HEAVY = r"\boptim\b|DistributedDataParallel|\bcompile\(|_dynamo"


def _preload(func) -> None:
    """Import, once in the child, what torch imports lazily on first use of
    torch.optim, DistributedDataParallel or torch.compile (torch._dynamo: hundreds
    of modules, seconds). Otherwise every rank would import it at the same time,
    P times the work inside the ranks' deadline. Only when the submission
    mentions one of them: for everyone else it would be seconds for nothing
    (a miss only costs time, never correctness)."""
    if "torch._dynamo" in sys.modules:
        return
    try:
        with open(func.__code__.co_filename, encoding="utf-8", errors="replace") as fh:
            source = fh.read()
    except (AttributeError, OSError):
        return
    import re

    if re.search(LAZY_HEAVY, source):
        try:
            import torch._dynamo  # noqa: F401
        except Exception:  # noqa: BLE001 - an optional speed-up only
            pass


def _collect(ranks: list[tuple[int, int]], deadline: float, wire, reaped: set[int]) -> list:
    """Each rank's decoded message, ("died", status) or None (still running at the end);
    ``reaped`` receives the pids of the ranks whose exit status was read here."""
    results: list = [None] * len(ranks)
    buffers = {fd: bytearray() for _, fd in ranks}
    index = {fd: r for r, (_, fd) in enumerate(ranks)}
    pending = set(buffers)
    failed_at = None
    while pending:
        now = time.monotonic()
        end = deadline if failed_at is None else min(deadline, failed_at + GRACE)
        if now >= end:
            break
        ready, _, _ = select.select(list(pending), [], [], end - now)
        for fd in ready:
            chunk = os.read(fd, 1 << 20)
            r = index[fd]
            buf = buffers[fd]
            buf += chunk
            done = len(buf) >= 8 and len(buf) >= 8 + struct.unpack("<Q", buf[:8])[0]
            if not chunk or done:
                pending.discard(fd)
                os.close(fd)
                if done:
                    try:
                        results[r] = wire.decode(bytes(buf[8:]))
                    except wire.WireError as exc:
                        results[r] = {"kind": "unencodable", "detail": str(exc)}
                else:
                    results[r] = ("died", _exit_status(ranks[r][0], reaped))
                if not (isinstance(results[r], dict) and results[r].get("kind") == "return") and failed_at is None:
                    failed_at = time.monotonic()
    for fd in pending:
        os.close(fd)
    return results


def _exit_status(pid: int, reaped: set[int]) -> str:
    for _ in range(50):
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except OSError:
            return "unknown"
        if done:
            reaped.add(pid)
            code = os.waitstatus_to_exitcode(status)
            if code < 0:
                try:
                    return f"killed by signal {signal.Signals(-code).name}"
                except ValueError:
                    return f"killed by signal {-code}"
            return f"exit status {code}"
        time.sleep(0.01)
    return "unknown"


def _slot(status, r: int) -> str:
    raw = status[r * SLOT:(r + 1) * SLOT].split(b"\0", 1)[0]
    return raw.decode("utf-8", "replace") or "starting"


def _reply(results: list, states: list[str], size: int, collective: float, budget: float, elapsed: float) -> dict:
    stdout = "".join(
        "".join(f"[rank {r}] {line}\n" for line in res["stdout"].splitlines())
        for r, res in enumerate(results) if isinstance(res, dict) and res.get("stdout")
    )
    if all(isinstance(res, dict) and res.get("kind") == "return" for res in results):
        return {"kind": "return", "value": [res.get("value") for res in results], "mutated": [res.get("mutated", []) for res in results],
                "stdout": stdout, "warnings": [], "elapsed": elapsed}

    def others(skip: int) -> str:
        notes = []
        for r, res in enumerate(results):
            if r == skip:
                continue
            if isinstance(res, dict) and res.get("kind") == "return":
                notes.append(f"rank {r} had returned")
            elif res is None:
                notes.append(f"rank {r} was {_doing(states[r])}")
        return (" Meanwhile " + "; ".join(notes) + ".") if notes else ""

    def pick(kind: str, **extra) -> int | None:
        for r, res in enumerate(results):
            if isinstance(res, dict) and res.get("kind") == kind and all(res.get(k) == v for k, v in extra.items()):
                return r
        return None

    where = f"of {size}"
    # the root cause first: a rank that died, then an exception in student code,
    # then a collective that timed out, then other torch.distributed errors (often
    # the echo of a failure elsewhere: "connection closed by peer")
    died = next((r for r, res in enumerate(results) if isinstance(res, tuple)), None)
    if died is not None:
        return {"kind": "rank_exit", "index": died, "stdout": stdout,
                "message": f"rank {died} {where} stopped without returning a result ({results[died][1]}), while "
                           f"{_doing(states[died])}: did your code call sys.exit() or os._exit(), or crash?" + others(died)}
    r = pick("setup")
    if r is not None:
        return {"kind": "rank_setup", "message": f"rank {r} {where} could not join the gloo process group: {results[r]['message']} "
                "(torch.distributed needs the sandbox's loopback interface, 127.0.0.1, up)"}
    r = pick("raise", in_dist=False)
    if r is not None:
        return dict(results[r], message=f"on rank {r} {where}: {results[r]['message']}", index=r, stdout=stdout)
    r = pick("raise", timed_out=True)
    if r is not None:
        op = results[r].get("op") or "a collective"
        return {"kind": "rank_timeout", "index": r, "detail": op, "stdout": stdout,
                "message": f"rank {r} {where} waited {collective:g} s in {op} and timed out: "
                           "the matching operation never came from the other rank(s)." + others(r)}
    r = pick("raise")
    if r is not None:
        res = results[r]
        return dict(res, message=f"on rank {r} {where}, in {res.get('op')}: {res['message']}" + others(r), index=r, stdout=stdout)
    r = pick("unencodable")
    if r is not None:
        return {"kind": "unencodable", "detail": f"rank {r} {where}: {results[r].get('detail', '')}", "stdout": stdout}
    hung = [r for r, res in enumerate(results) if res is None]
    doing = "; ".join(f"rank {r} was {_doing(states[r])}" for r in hung)
    return {"kind": "rank_timeout", "index": hung[0] if hung else 0, "detail": states[hung[0]] if hung else "", "stdout": stdout,
            "message": f"rank(s) {', '.join(map(str, hung))} {where} did not finish within {budget:g} s: {doing}." + others(hung[0] if hung else -1)}


def _doing(state: str) -> str:
    return state if not state.startswith("dist.") else f"waiting in {state}"


# -- one rank --------------------------------------------------------------------------


def _rank(r, size, port, listener, call, func, server, wfd, status, collective, digests, capture) -> None:
    import ctypes
    from datetime import timedelta

    import torch.distributed as dist

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with the child
    except (OSError, AttributeError):
        pass
    for fd in (server.rfd, server.wfd):  # the parent's protocol belongs to the child alone
        try:
            os.close(fd)
        except OSError:
            pass
    if r != 0:
        listener.close()
    out = capture()
    sys.stdout = sys.stderr = out

    def mark(text: str | None) -> None:
        data = (text or IDLE).encode("utf-8")[: SLOT - 1]
        status[r * SLOT:(r + 1) * SLOT] = data + b"\0" * (SLOT - len(data))

    def send(msg: dict) -> None:
        wire = server.wire
        try:
            data = wire.encode(msg)
        except BaseException as exc:  # noqa: BLE001 - WireError, or an object lying about itself
            detail = str(exc) if isinstance(exc, wire.WireError) else f"{type(exc).__name__}: {exc}"
            data = wire.encode({"kind": "unencodable", "detail": detail[:500], "stdout": out.text()})
        view = memoryview(wire.frame(data))
        while view:
            view = view[os.write(wfd, view):]

    mark("joining the gloo process group")
    try:
        os.environ["GLOO_SOCKET_IFNAME"] = "lo"  # loopback only: the sandbox may have no other interface
        wait = timedelta(seconds=collective)
        store = dist.TCPStore("127.0.0.1", port, size, is_master=(r == 0), timeout=wait, wait_for_workers=False,
                              master_listen_fd=listener.fileno() if r == 0 else None, use_libuv=False)
        dist.init_process_group("gloo", store=store, rank=r, world_size=size, timeout=wait)
    except BaseException as exc:  # noqa: BLE001
        send({"kind": "setup", "message": f"{type(exc).__name__}: {str(exc)[:800]}"})
        _idle()
    _instrument(dist, mark)
    mark(None)
    args, kwargs = list(call[0]), dict(call[1])
    before = digests(args, kwargs)
    try:
        value = func(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything
        op = _slot(status, r)
        in_dist = op.startswith("dist.")
        text = str(exc).lower()
        described = server.describe_call(func, args, kwargs, exc, caller=sys._getframe().f_code)  # this frame made the call
        send({**described, "kind": "raise", "op": op if in_dist else "", "stdout": out.text(),
              "in_dist": in_dist, "timed_out": in_dist and ("timed out" in text or "timeout" in text)})
        _idle()
    after = digests(args, kwargs)
    send({"kind": "return", "value": value, "mutated": [p for p, d in before.items() if after.get(p) != d], "stdout": out.text()})
    _idle()


def _idle() -> None:
    """Stay alive (other ranks may still talk to this one) until the child kills us."""
    while True:
        time.sleep(3600)


def _instrument(dist, mark) -> None:
    """Wrap torch.distributed's communication functions so that the shared page
    always says which operation a rank is in (read when something times out)."""
    for name in OPS:
        fn = getattr(dist, name, None)
        if fn is not None and not getattr(fn, "_mathdl_wrapped", False):
            setattr(dist, name, _wrap(fn, name, mark))


def _wrap(fn, name: str, mark):
    def wrapped(*args, **kwargs):
        label = _label(name, args, kwargs)
        mark(label)
        result = fn(*args, **kwargs)  # on an exception the label stays: it names the failed operation
        mark(None)
        if name in ("isend", "irecv") and result is not None:
            return _Work(result, label, mark)
        return result

    wrapped.__name__ = name
    wrapped.__doc__ = fn.__doc__
    wrapped.__wrapped__ = fn
    wrapped._mathdl_wrapped = True
    return wrapped


def _label(name: str, args: tuple, kwargs: dict) -> str:
    parts = []
    peer = PEER.get(name)
    if peer is not None:
        value = kwargs.get(peer, args[1] if len(args) > 1 else None)
        if value is not None or name in ("recv", "irecv"):
            parts.append(f"{peer}={value}")
    op = kwargs.get("op", args[1] if name == "all_reduce" and len(args) > 1 else None)
    if op is not None:
        parts.append(f"op={getattr(op, 'name', op)}")
    first = args[0] if args else None
    shape = getattr(first, "shape", None)
    if shape is not None:
        parts.append(f"a tensor of shape {tuple(shape)}")
    return f"dist.{name}({', '.join(parts)})"


class _Work:
    """An isend/irecv request whose wait() is labelled like the other operations."""

    def __init__(self, work, label: str, mark):
        self._work, self._label, self._mark = work, label, mark

    def wait(self, *args, **kwargs):
        self._mark(self._label + ".wait()")
        result = self._work.wait(*args, **kwargs)
        self._mark(None)
        return result

    def __getattr__(self, name):
        return getattr(self._work, name)
