"""Run student code in a separate, confined child process and talk to it.

The parent (grader) never imports student code. A :class:`Sandbox` owns one
child at a time, started by its isolation backend (bubblewrap, namespaces or a
plain process: see :mod:`mathdl_cli.sandbox.isolation`) either from scratch
(``python -I -B child.py``) or as a fork of a zygote. Everything that is the
same for every backend lives here:

* private folders under the process's base (:mod:`.fs`): the submission's
  files, written without following links, shown read-only to the child; the
  child runtime; for the plain process a scratch folder per child;
* a cgroup capping the memory and tasks of the child's whole tree, and killing
  whatever it left behind (:mod:`.cgroups`), plus rlimits in the child;
* the child's printed output and crash messages go to a log descriptor the
  parent opened before the start (an anonymous memory file): it is read from
  that descriptor, by the parent, with a byte cap, never by a path;
* the child announces ``ready`` once confined with numpy imported; a child
  that dies or hangs before that raises :class:`SandboxError` (a grader error,
  never the student's);
* calls go over pipes in the :mod:`mathdl_cli.wire` format; every read has a
  deadline; a hung or crashed child is killed with everything it started and
  restarted lazily for the next call.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple

from ..defaults import GRADED_MEMORY_MB
from . import cgroups, fs, view
from .isolation import Isolation
from .zygote import child_env, copy_runtime, open_pidfd, shared_zygote, site_folders, wait_on_pidfd, zygote_failed

if TYPE_CHECKING:
    from .reply import Reply

MAX_REPLY_BYTES = 512 * 1024 * 1024
# how long each side of a student's sandbox polls for the other's next message before
# it sleeps (Sandbox's ``spin``): waking a sleeping process costs 0.3-0.5 ms on a
# virtual machine, more than most calls of a check; the poll is a few microseconds
SPIN_SECONDS = 0.003
# a poll during which its process was off the CPU longer than this (seconds), twice within
# a few dozen polls, ends polling on that side for good: another process wants the CPU,
# and the poll would take it (see wire.Poll; with one busy program beside it, a polling
# check took twice as long)
POLL_CONTENDED = 0.0005
START_TIMEOUT = 60.0  # seconds for a child to start Python, confine itself and import numpy
LOAD = "__mathdl_load__"  # the function name of a request that imports the submission module only
LOAD_TIMEOUT = 60.0  # seconds the import of a submission module may take
DRAIN_SECONDS = 1.0  # for the unread replies of Sandbox.steps, before the child is killed
LOG_TAIL = 1500  # bytes of the child's log shown when it crashed
KILL_PID_WAIT = 5.0  # seconds a kill waits for a zygote's fork to say its pid
ZYGOTE_GRACE = 0.25  # seconds a fork killed by SIGKILL waits for its zygote to be seen gone (see _crash_detail)
READ_AHEAD = 1 << 16  # bytes a read of the reply pipe asks for at least (one pipe's worth)
BIG_READ = 1 << 20  # a message with more than this still to come is read into a buffer of its own


_dying: list[subprocess.Popen] = []  # children killed and not waited for (Sandbox.kill(wait=False))
_inherited: list = []


def _forget_dying() -> None:
    # in a fork of this process (a grading worker): those children are not its to wait for;
    # kept referenced, so that no finalizer of theirs runs in the fork
    _inherited.extend(_dying)
    _dying.clear()


os.register_at_fork(after_in_child=_forget_dying)


def spin_seconds(value: Any) -> float:
    """A spin as given, at most 0.01 s; 0 for anything that is not a positive number
    (NaN included: a poll whose end never comes would ignore the call's deadline)."""
    if not isinstance(value, (int, float)) or not value > 0:
        return 0.0
    return min(float(value), 0.01)


class SandboxError(RuntimeError):
    """A child could not be started: a grader error (regraded on the next run),
    never the student's."""


class Limits(NamedTuple):
    """Resource limits for one child. ``None`` leaves a limit unset."""

    memory_mb: int | None = GRADED_MEMORY_MB  # per process (address space) and for the whole tree (cgroup): grade's default
    cpu_seconds: int | None = 600
    file_mb: int | None = 64
    open_files: int | None = 256
    processes: int | None = 64  # tasks of the whole tree, threads included (pids cgroup; RLIMIT_NPROC in a user namespace)
    scratch_mb: int = 64  # the writable tmpfs of a confined child

    def rlimits(self, confined: bool) -> dict[str, int | None]:
        mb = 1024 * 1024
        return {
            "as": self.memory_mb * mb if self.memory_mb else None,
            "cpu": self.cpu_seconds,
            "fsize": self.file_mb * mb if self.file_mb else None,
            "nofile": self.open_files,
            "core": 0,
            # RLIMIT_NPROC counts per user: only in the child's own user namespace is it the child's alone
            "nproc": self.processes if confined else None,
        }


class Sandbox:
    """One confined child process serving calls into submission modules.

    With ``spin`` (seconds, at most 0.01), the grader polls for a reply and the
    child for its next request that long before sleeping in a blocking wait: a
    check's calls alternate with the grader's own work, and each side would
    otherwise go to sleep and be woken for every message. It burns the core
    that side runs on, so it is for a sandbox whose two processes have two CPUs
    to themselves: a student's own (``mathdl check``, watch, submit, plots and
    the notebook API, see ``early.student_sandbox``), not a batch's workers.
    Each side stops polling once it finds another process waiting for its CPU
    (:class:`mathdl_cli.wire.Poll`): a busy machine gets blocking waits.
    """

    def __init__(
        self,
        files: dict[str, Path] | None = None,
        limits: Limits | None = None,
        isolation: Isolation | str | None = None,
        hide: list[Path] | None = None,
        zygote: bool = False,
        preload: tuple[str, ...] = (),
        spin: float = 0.0,
    ):
        from .probe import probe_isolation

        self.limits = limits or Limits()
        self.isolation_mode = isolation if isinstance(isolation, Isolation) else probe_isolation(isolation)
        self.isolation = self.isolation_mode.name
        self._hide_given = list(hide or [])
        self._hide: list[Path] | None = None
        self.use_zygote = zygote and self.isolation_mode.forks
        self.spin = spin_seconds(spin)
        self._poll: Any = None  # the grader's wire.Poll, made at its first wait for a reply
        self._contended = POLL_CONTENDED  # (as it was when the sandbox was made)
        self.preload = tuple(preload)  # imported by the child before its first call (a zygote's: once)
        self.root = fs.new_folder(fs.private_base(), f"box-{os.urandom(6).hex()}", 0o711)
        self.files = fs.new_folder(self.root, "files", 0o755)
        self.work = self.files  # where add_file puts files (kept for callers)
        self.runtime = self.root / "runtime"
        self.scratch: Path | None = None
        self.cgroup: cgroups.Cgroup | None = None
        self._oom_kills = 0  # the cgroup's out-of-memory kills when this child started
        self.proc: Any = None
        self.forked = False  # the running child is a zygote's fork
        self._zygote: Any = None  # the zygote it was forked from
        self.starts = 0
        self.last_returncode: int | None = None
        self._log: int | None = None
        self._ready = False
        self._ahead: tuple[str, float, float, int] | None = None  # a load sent ahead: (module, deadline, timeout, start)
        self._open_steps: _OpenSteps | None = None  # the replies of Sandbox.steps, while some may be unread
        self._inbuf = bytearray()  # read from the reply pipe, not yet consumed
        self._joining: _Joining | None = None  # a plain process being moved into its cgroup
        for name, src in (files or {}).items():
            self.add_file(name, src.read_bytes())

    @property
    def hide(self) -> list[Path]:
        """Folders no child may see even if they lie inside a folder shown to it
        (found when a confined child's view is first built: a plain process,
        which sees everything its user can, does not wait for the course's)."""
        if self._hide is None:
            from ..catalog import course_root

            self._hide = [Path(p).resolve() for p in self._hide_given] + [course_root()]
        return self._hide

    # -- files ----------------------------------------------------------
    def add_file(self, name: str, data: bytes, folder: str = "") -> str:
        """Place a submission file in the files folder (or a new subfolder of it,
        so that several submissions can share one sandbox under their real file
        names); return its path as the child sees it."""
        for part in (name, folder):
            if os.sep in part or part.startswith(".") or "\0" in part:
                raise ValueError(f"bad submission file name {part!r}")
        where = self.files / folder if folder else self.files
        if folder and (where.is_symlink() or not where.is_dir()):
            if where.is_symlink():  # planted by a child running as the grader's user
                os.unlink(where)
            fs.new_folder(self.files, folder, 0o755)
        path = where / name
        try:
            os.unlink(path)  # never write through whatever is there
        except FileNotFoundError:
            pass
        fs.write_new(path, data, 0o644)
        inside = self.isolation_mode.files_inside(self)
        return "/".join([inside, *([folder] if folder else []), name])

    # -- process lifecycle ------------------------------------------------
    def start(self) -> None:
        """Start a child if none is running (returns at once: the child
        announces itself when the first call waits for it)."""
        if self.proc is not None and self._alive():
            return
        self._reap()
        _dying[:] = [proc for proc in _dying if proc.poll() is None]
        self.starts += 1
        self._ready = False
        mode = self.isolation_mode
        if not mode.confined:
            self._new_scratch()
        if self.cgroup is not None:
            self.cgroup.kill()
            if self.cgroup.tasks():  # killed tasks the kernel still counts: start in a fresh cgroup
                cgroups.release(self.cgroup)
                self.cgroup = None
        if self.cgroup is None:
            self.cgroup = cgroups.create()
        if self.cgroup is not None:
            self.cgroup.limit(self.limits.memory_mb << 20 if self.limits.memory_mb else None, self.limits.processes)
            self._oom_kills = self.cgroup.oom_kills()  # the cgroup may have served other children: count from here
        if self._log is not None:
            os.close(self._log)
        self._log = _new_log()
        home = str(self.scratch) if not mode.confined else view.SCRATCH
        config = {
            "rlimits": self.limits.rlimits(mode.confined),
            "cgroups": self.cgroup.procs if self.cgroup is not None else [],
            "env": child_env(home),
            "preload": list(self.preload),
            "site": site_folders(),
            "spin": self._poll.seconds if self._poll is not None else self.spin,  # none once the grader stopped
            "spin_contended": self._contended,
        }
        self.forked = False
        if self.use_zygote:
            try:
                zygote = shared_zygote(self.preload, mode)
                self.proc = zygote.spawn({**config, **mode.fork_config(self, zygote)}, self._log)
                self.forked, self._zygote = True, zygote
                return
            except OSError:  # no zygote, or its fork did not start: Python from scratch, from now on
                zygote_failed(self.preload, mode)
                self.use_zygote = False
        if not self.runtime.exists():
            fs.new_folder(self.root, "runtime", 0o755)
            copy_runtime(self.runtime)
        # a plain process is moved into its cgroup from here while it starts: joining can
        # wait for a kernel grace period (5-20 ms), which then overlaps with its imports
        # instead of preceding them; it runs nothing of the student's before it is ready,
        # and it is not ready before it is in (confined children join before they unshare)
        joined_here = not mode.confined and self.cgroup is not None
        if joined_here:
            config["cgroups"] = []
        argv, fds = mode.command(self, {**config, **mode.child_config(self, self.runtime)})
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            pass_fds=fds,
            cwd=self.root,
            env=config["env"],
            start_new_session=True,
            close_fds=True,
        )
        # watched beside its reply pipe, which a process it started may hold open after it has
        # gone (a zygote's fork needs no watch: its intermediate process reports its exit on
        # that pipe); opened now, while it is ours and not reaped: its pid names no other
        self.proc.exit_fd = open_pidfd(self.proc.pid)
        if joined_here:
            self._joining = _Joining(self.cgroup.procs, self.proc.pid)

    def _alive(self) -> bool:
        """Whether the child is still running. A fork whose pid is not known yet (a spare
        started ahead, never called) is asked for it first: it may have died since, with
        its zygote, and a dead child that has run nothing of the student's must be
        replaced, not blamed for the student's first call."""
        proc = self.proc
        if self.forked and proc.pid <= 0:
            try:
                proc.learn_pid(time.monotonic() + START_TIMEOUT)  # told first thing: a spare's waits in its pipe
            except OSError:
                return False
        return proc.poll() is None

    def _new_scratch(self) -> None:
        """A fresh working folder for a plain-process child, owned by the user it runs as."""
        if self.scratch is not None:
            fs.remove_tree(self.scratch)
        self.scratch = fs.new_folder(self.root, f"scratch-{self.starts}", 0o700)
        drop = self.isolation_mode.drop
        if drop is not None:
            os.lchown(self.scratch, drop[0], drop[1])

    def _polling(self) -> Any:
        """The grader's wire.Poll for replies, or None without a spin."""
        if self._poll is None and self.spin:
            from .. import wire  # loaded: only a spinning sandbox's reads poll

            self._poll = wire.Poll(self.spin, self._contended)
        return self._poll

    def _await_ready(self) -> None:
        """Wait for the child's ``ready``; anything else is a grader error."""
        if self._ready:
            return
        from .. import wire

        problem = ""
        deadline = time.monotonic() + START_TIMEOUT
        try:
            if self.forked:
                self.proc.learn_pid(deadline)  # at the head of the reply pipe, before ready
            raw = self._recv(deadline, 1 << 16, poll=False)  # a start takes far longer than a poll
            msg = wire.decode(raw) if raw is not None else None
            if isinstance(msg, dict) and msg.get("kind") == "ready":
                failed = self._joined()
                if failed is None:
                    self._ready = True
                    return
                problem = f"it could not be placed in its cgroup ({failed})"
            else:
                problem = "it sent something else than its ready message"
        except _Timeout:
            problem = f"it did not announce itself within {START_TIMEOUT:g} s"
        except (_ChildGone, wire.WireError):
            problem = "it ended before it was ready"
        except OSError as exc:  # a zygote's fork that did not say its pid
            problem = str(exc)
        self.kill()
        if self.forked:  # nothing of the student's has run: the zygote is at fault, start from scratch
            zygote_failed(self.preload, self.isolation_mode)
            self.use_zygote = False
            self.start()
            return self._await_ready()
        tail = self._log_tail()
        raise SandboxError(
            f"the child process could not start ({self.isolation} isolation): {problem}"
            + (f"\n{tail}" if tail else "")
            + "\nThis is not the student's fault; run the same command again to regrade."
        )

    def kill(self, wait: bool = True) -> None:
        """Kill the child and everything it started. With ``wait`` false they are
        sent SIGKILL, which cannot be caught, and not waited for: a batch does
        not wait for the kernel to tear down each child (its cgroup is reused
        only once empty, and the process's cleanup waits for whatever is left)."""
        self._open_steps = None  # their replies die with the child
        proc = self.proc
        if proc is None:
            return
        if self.forked and proc.pid <= 0:
            try:  # asked for, not yet known: it comes once the fork has joined its cgroups
                proc.learn_pid(time.monotonic() + KILL_PID_WAIT)
            except OSError:
                pass  # it never ran anything of the student's: closing its pipes ends it
        # its group (it leads a session of its own), only while it has not exited: once
        # reaped (ours by Popen.poll, a fork by its zygote) its pid may name another
        # process, even another sandbox's child (pid_max is often 32768); what it left
        # running is then the cgroup's to kill
        if proc.pid > 0 and proc.poll() is None:  # never a signal to our own process group
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.kill()  # Popen's and ForkedChild's own: never a signal to a reaped pid
        self._reap(wait)
        if self.cgroup is not None:
            self.cgroup.kill(wait=2.0 if wait else 0.0)

    def _joined(self) -> str | None:
        """Wait for the move of a plain process into its cgroup; why it failed, if it did."""
        joining, self._joining = self._joining, None
        return joining.wait() if joining is not None else None

    def _reap(self, wait: bool = True) -> None:
        self._joined()  # before the child is reaped, while its pid cannot name another process
        proc, self.proc = self.proc, None
        self._inbuf.clear()  # bytes of that child's pipe
        self._ahead = None  # a load sent to that child is sent again to the next
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            proc.kill()
        except OSError:
            pass
        if isinstance(proc, subprocess.Popen) and getattr(proc, "exit_fd", None) is not None:
            os.close(proc.exit_fd)  # a fork's pidfd is its own to close (release)
            proc.exit_fd = None
        if not wait:
            if isinstance(proc, subprocess.Popen):
                _dying.append(proc)  # reaped later (a zygote reaps its own forks)
            else:
                proc.release()
            self.last_returncode = None
            return
        self.last_returncode = _exit_status(proc, 5.0)
        if not isinstance(proc, subprocess.Popen):
            proc.release()

    def close(self, wait: bool = True) -> None:
        """Kill the child (see :meth:`kill` for ``wait``) and remove the sandbox's folders."""
        self.kill(wait)
        if self._log is not None:
            os.close(self._log)
            self._log = None
        if self.cgroup is not None:
            cgroups.release(self.cgroup)
            self.cgroup = None
        fs.remove_tree(self.root)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- calls ------------------------------------------------------------
    def call(
        self,
        module: str,
        func: str,
        args: list,
        kwargs: dict,
        *,
        timeout: float,
        errstate: str | None = None,
        calls: list[tuple[list, dict]] | None = None,
        ranks: dict | None = None,
        form: dict | None = None,
    ) -> Reply:
        """Call ``func`` of the submission module at path ``module``.

        Callables among the arguments stay in the parent: the child gets a
        stand-in that calls back here. The whole call, callbacks included, must
        finish within ``timeout`` seconds of wall time. With ``ranks``
        ({"world_size", "collective_timeout", "deadline"}) the child runs
        ``calls[r]`` on rank r of a torch.distributed process group (see
        child_dist.py); no callables then. With ``form`` (plain data: {"kind":
        "columns", "shape", "index"} or {"kind": "zero_one", "shape"}) the child sends
        back that part or form of a result of that shape (see child._in_form), and
        the reply says whether it did (``taken``).
        """
        request: dict[str, Any] = {"op": "call", "module": module, "func": func, "errstate": errstate}
        if calls is None:
            request.update(args=list(args), kwargs=dict(kwargs))
        else:  # several calls of one function in one round trip: value and mutated are lists
            request["calls"] = [[list(a), dict(k)] for a, k in calls]
        if ranks is not None:
            request["ranks"] = dict(ranks)
        if form is not None and calls is None:
            request["form"] = dict(form)
        sent = self._submit(request, timeout, ranks is None)
        if not isinstance(sent, tuple):
            return sent
        callables, limit, deadline = sent
        return self._reply(deadline, limit, timeout, callables)

    def steps(self, module: str, func: str, state: list, extras: list[list], kwargs: dict, *, timeout: Callable[[], float],
              errstate: str | None = None) -> Iterator[Reply]:
        """The steps of a recursion in one request: step k calls
        ``func(*state_k, *extras[k], **kwargs)`` and its value, a tuple or list,
        becomes ``state_{k+1}``. The child replies after each step without waiting
        for the grader, which meanwhile checks the step before: one reply per step,
        each within ``timeout()`` seconds of the one before, as for separate calls.
        It stops after a reply other than "return": a failure, or "steps_stopped"
        (a value the child could not feed back; the caller goes on with calls).
        Replies not read when the iterator is closed (a check that failed on an
        earlier step) are read and dropped then, or at the latest before the next
        request (or the child is killed), so no reply ever reaches another call."""
        request = {"op": "call", "module": module, "func": func, "errstate": errstate, "kwargs": dict(kwargs),
                   "steps": {"state": list(state), "extras": [list(e) for e in extras]}}
        first = timeout()
        sent = self._submit(request, first, True)
        if not isinstance(sent, tuple):
            yield sent
            return
        callables, limit, deadline = sent
        open_steps = self._open_steps = _OpenSteps(callables, limit, len(extras), timeout)
        try:
            seconds = first
            while open_steps.left and self._open_steps is open_steps:  # (another request drains them first: the caller goes on with calls)
                open_steps.left -= 1
                reply = self._reply(deadline, limit, seconds, callables)
                if reply.kind != "return":  # the last the child sends: nothing is left to read
                    open_steps.left = 0
                    yield reply
                    return
                yield reply
                seconds = timeout()
                deadline = time.monotonic() + seconds
        finally:
            if self._open_steps is open_steps:  # closed early: the rest is read (or the child killed) now
                self._end_steps()

    def _end_steps(self) -> None:
        """Read and drop the replies of steps nobody read (the child has usually
        computed them already), all within DRAIN_SECONDS and the time a call may
        still take: a child that takes longer is killed (a step that hangs after the
        one that failed costs no more, and a submission's time limit holds)."""
        open_steps, self._open_steps = self._open_steps, None
        if open_steps is None or not open_steps.left:
            return
        try:
            seconds = min(DRAIN_SECONDS, open_steps.timeout())
        except Exception:  # noqa: BLE001 - the caller's time is up (grading.state raises then)
            seconds = 0.0
        if seconds <= 0:
            self.kill()
            return
        deadline = time.monotonic() + seconds
        while open_steps.left:
            open_steps.left -= 1
            if self._reply(deadline, open_steps.limit, seconds, open_steps.callables).kind != "return":
                return  # a timeout killed the child

    def _submit(self, request: dict, timeout: float, callables_allowed: bool) -> "tuple[list[Callable], int, float] | Reply":
        """Send a call's request: (the callables it passed, the reply's size limit,
        its deadline), or the Reply that ends it at once (the reply to a load sent
        ahead, or a child that died or stopped reading)."""
        from .. import wire  # imported here: creating and starting a sandbox must not wait for numpy
        from .reply import Reply

        self._end_steps()
        callables: list[Callable] = []

        def register(fn: Callable) -> int:
            callables.append(fn)
            return len(callables) - 1

        drawn: list[int] = []  # the arrays the child draws itself count as sent (the reply's size limit)
        message = wire.framed(request, register_callable=register, kernels=True, drawn=drawn)
        if not callables_allowed and callables:
            raise ValueError("functions cannot be passed to ranks (they run in processes that cannot call back)")
        ahead = self._ahead_reply(request["module"] if request["func"] == LOAD else None, timeout)
        if ahead is not None:
            return ahead
        self.start()
        self._await_ready()
        deadline = time.monotonic() + timeout
        limit = wire.reply_limit(sum(len(part) for part in message) + sum(drawn))
        try:
            self._send(message, deadline)
        except _Timeout:
            self.kill()
            return Reply("timeout", detail=f"no answer within {timeout:g} s")
        except _ChildGone:
            self.kill()
            return Reply("crashed", detail=self._crash_detail())
        return callables, limit, deadline

    def load_ahead(self, module: str, timeout: float = LOAD_TIMEOUT, modules: tuple[str, ...] = ()) -> None:
        """Ask the child to import the submission module now, without waiting: it
        does so while this process goes on starting up (the child is usually
        ready long before the first check). The reply is read by the call that
        loads the module (``call(module, LOAD, ...)``), and its time runs from
        now. ``modules``: libraries the checks will make the child import anyway
        (numpy.random, for a Generator argument), imported before the module."""
        from .. import wire

        self._end_steps()
        self._ahead_reply(None, timeout)  # one request ahead at a time
        self.start()
        deadline = time.monotonic() + timeout
        request = {"op": "call", "module": module, "func": LOAD, "errstate": None, "args": [], "kwargs": {}, "modules": list(modules)}
        try:
            self._send(wire.framed(request), deadline)
        except (_Timeout, _ChildGone):
            self.kill()  # the load is sent again, and reported, by the first check
            return
        self._ahead = (module, deadline, timeout, self.starts)

    def _ahead_reply(self, module: str | None, timeout: float) -> Reply | None:
        """The reply to the load sent ahead, once it is read: returned for the load
        of that module (within its own time and ``timeout`` from now), read and
        dropped before any other call (the child keeps the module, or its import
        error, and reports it to the calls)."""
        from .. import wire

        ahead, self._ahead = self._ahead, None
        if ahead is None or self.proc is None:
            return None
        self._await_ready()
        if self.proc is None or self.starts != ahead[3]:  # it could not start (or was started again): the load went with it
            return None
        deadline = min(ahead[1], time.monotonic() + timeout) if module == ahead[0] else ahead[1]
        reply = self._reply(deadline, wire.reply_limit(0), ahead[2], [])
        return reply if module == ahead[0] else None

    def _reply(self, deadline: float, limit: int, timeout: float, callables: list[Callable]) -> Reply:
        """Read the child's reply to the request just sent, answering its callbacks."""
        from .. import wire
        from .reply import Reply

        answered = 0
        try:
            while True:
                raw = self._recv(deadline, limit)
                if raw is None:
                    self.kill()
                    return Reply("protocol_error", detail=f"the reply was larger than this call can return ({limit >> 20} MB)")
                try:
                    msg = wire.decode(raw, make_callback=wire.Callback, views=True)  # raw is ours alone
                except wire.WireError as exc:
                    self.kill()
                    return Reply("protocol_error", detail=f"unreadable reply from the child process: {exc}")
                if not isinstance(msg, dict) or not isinstance(msg.get("kind"), str):
                    self.kill()
                    return Reply("protocol_error", detail="unreadable reply from the child process")
                if msg["kind"] == "callback":
                    self._answer_callback(msg, callables, deadline)
                    answered += 1
                    continue
                if msg["kind"] == "exited":  # reported by a zygote's intermediate process
                    status = msg.get("status")
                    self.kill()
                    self.last_returncode = status if isinstance(status, int) else None
                    return Reply("crashed", detail=self._crash_detail())
                return _reply_from(msg)
        except _Timeout:
            self.kill()
            return Reply("timeout", detail=f"no answer within {timeout:g} s", callbacks=answered)
        except _ChildGone:
            self.kill()
            return Reply("crashed", detail=self._crash_detail())

    def _answer_callback(self, msg: dict, callables: list[Callable], deadline: float) -> None:
        from .. import wire

        ident = msg.get("id")
        result: dict[str, Any] = {"op": "callback_result", "value": None, "error": None}
        if not isinstance(ident, int) or not 0 <= ident < len(callables):
            result["error"] = "unknown callback"
        else:
            try:
                args = msg.get("args") or []
                kwargs = msg.get("kwargs") or {}
                result["value"] = callables[ident](*args, **kwargs)
            except Exception as exc:  # the grader's function rejected the student's input
                result["error"] = f"{type(exc).__name__}: {exc}"
        try:
            message = wire.framed(result)
        except wire.WireError as exc:
            message = wire.framed({"op": "callback_result", "value": None, "error": str(exc)})
        self._send(message, deadline)

    def _log_tail(self) -> str:
        """The end of the child's log, read from the parent's own descriptor."""
        if self._log is None:
            return ""
        try:
            size = os.fstat(self._log).st_size
            data = os.pread(self._log, LOG_TAIL, max(0, size - LOG_TAIL))
        except OSError:
            return ""
        return data.decode("utf-8", "replace").strip()

    def _crash_detail(self) -> str:
        """What a child that ended in the middle of a call died of, for the student; a
        SandboxError (a grader error, regraded) when its zygote has gone: a zygote killed
        takes its forks with it, and that is not the student's doing."""
        code = self.last_returncode
        if code is not None and code > 128 and self.isolation_mode.name == "bwrap":
            code = 128 - code  # bubblewrap exits with 128 + the signal that killed the child
        killed = code is None or code == -signal.SIGKILL  # how a fork dies with its zygote
        if self.forked and self._zygote is not None and self._zygote.gone(wait=ZYGOTE_GRACE if killed else 0.0):
            raise SandboxError("the zygote process this child was forked from stopped, and the child with it."
                               "\nThis is not the student's fault; run the same command again to regrade.")
        tail = self._log_tail()
        if code is not None and code < 0:
            try:
                how = f"was killed by signal {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = f"exited with status {code}"
        hint = ""
        if code == 0 or code == 1:
            hint = " (did your code call sys.exit(), os._exit() or quit()?)"
        elif code is not None and -code == signal.SIGKILL and self.cgroup is not None and self.cgroup.oom_kills() > self._oom_kills:
            mb = self.limits.memory_mb  # the kernel's out-of-memory killer stopped it (its cgroup counts the kill)
            hint = f" (it went over the memory limit of {mb} MB for all its processes together)" if mb else " (the machine ran out of memory)"
        elif code is not None and -code in (signal.SIGKILL, signal.SIGXCPU):
            hint = " (it may have exceeded the CPU-time or memory limit)"
        elif code is not None and -code == signal.SIGSEGV:
            hint = " (a segmentation fault: memory corruption in native code)"
        return f"the Python process running your code {how}{hint}" + (f"\n{tail}" if tail else "")

    # -- framing ---------------------------------------------------------
    def _send(self, message: list, deadline: float) -> None:
        """Write a framed message (wire.framed: a list of buffers) to the request
        pipe, gathering the buffers into each write; a child that stops reading
        runs into the deadline."""
        from .. import wire

        proc = self.proc
        if proc is None or proc.stdin is None:
            raise _ChildGone
        fd = proc.stdin.fileno()
        if not getattr(proc, "mathdl_pipes_set", False):
            _set_pipes(fd, proc.stdout.fileno() if proc.stdout is not None else None)
            proc.mathdl_pipes_set = True
        views = [memoryview(part) for part in message if len(part)]
        first = True
        while views:
            if not first and time.monotonic() > deadline:  # a child that reads a trickle meets the deadline too
                raise _Timeout
            first = False
            try:  # the pipe is usually empty: one write, no wait (a full pipe takes part of it)
                n = os.writev(fd, views[:64])
            except BlockingIOError:  # full: wait until the child has read some, within the deadline
                if not _wait_ready(fd, deadline, write=True, exit_fd=getattr(proc, "exit_fd", None)):
                    self._wait_exit()
                    raise _ChildGone from None
                continue
            except (BrokenPipeError, OSError):
                self._wait_exit()
                raise _ChildGone from None
            wire.advance(views, n)

    def _recv(self, deadline: float, limit: int = MAX_REPLY_BYTES, poll: bool = True) -> bytes | None:
        """The next message, or None (unread) when it is longer than ``limit``;
        ``poll`` false: the waits block at once (see Sandbox's ``spin``)."""
        header = self._read(8, deadline, poll)
        (n,) = struct.unpack("<Q", header)
        if n > limit:
            return None
        return self._read(n, deadline, poll)

    def _read(self, n: int, deadline: float, poll: bool = True) -> bytes:
        """``n`` bytes of the reply pipe. Reads take what is there (a small reply's
        length and body in one read); the rest waits in ``_inbuf`` for the next."""
        proc = self.proc
        if proc is None or proc.stdout is None:
            raise _ChildGone
        fd = proc.stdout.fileno()
        buf = self._inbuf
        if n - len(buf) > BIG_READ:
            return self._read_big(fd, n, deadline)
        exit_fd = getattr(proc, "exit_fd", None)
        while len(buf) < n:
            if _wait_ready(fd, deadline, poll=self._polling() if poll else None, exit_fd=exit_fd):
                chunk = os.read(fd, min(max(n - len(buf), READ_AHEAD), 1 << 20))
            else:  # the child has gone, and nothing is left in the pipe
                chunk = b""
            if not chunk:
                self._wait_exit()
                raise _ChildGone
            buf += chunk
        with memoryview(buf) as view:
            data = bytes(view[:n])
        del buf[:n]
        return data

    def _read_big(self, fd: int, n: int, deadline: float) -> Any:
        """A long message read straight into its own buffer (no copies as it grows;
        numpy's, which is not zeroed first and gets huge pages: a bytearray zeroes
        every 4 KiB page first). Only calls read long messages: numpy is loaded."""
        import numpy as np

        out = np.empty(n, dtype=np.uint8)
        have = len(self._inbuf)
        if have:
            out[:have] = np.frombuffer(self._inbuf, dtype=np.uint8)
        del self._inbuf[:]
        exit_fd = getattr(self.proc, "exit_fd", None)
        with memoryview(out) as view:
            while have < n:
                got = os.readv(fd, [view[have:]]) if _wait_ready(fd, deadline, exit_fd=exit_fd) else 0  # 0: gone
                if not got:
                    self._wait_exit()
                    raise _ChildGone
                have += got
        return out

    def _wait_exit(self) -> None:
        if self.proc is not None:
            self.last_returncode = _exit_status(self.proc, 2.0)


def _exit_status(proc: Any, timeout: float) -> int | None:
    """The exit status of a child, waiting up to ``timeout`` seconds for it; None if
    it is still running. A Popen is waited for on a pidfd, which becomes readable
    when the process exits (Popen.wait(timeout) polls with sleeps that double,
    overshooting a killed child's exit by milliseconds); a zygote's fork has its
    own wait."""
    # not reaped yet (poll said so): the pid is still this child's
    if isinstance(proc, subprocess.Popen) and proc.poll() is None and wait_on_pidfd(proc.pid, timeout) is not None:
        timeout = 0.0  # exited (reaped now), or out of time
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def _wait_ready(fd: int, deadline: float, write: bool = False, poll: Any = None, exit_fd: int | None = None) -> bool:
    """Wait until ``fd`` can be read (or written): True; else _Timeout at ``deadline``;
    a read polls first with ``poll``, a wire.Poll (see Sandbox). With ``exit_fd`` (the
    child's pidfd) False once the child has exited and ``fd`` is still not ready: a
    process it started may hold the pipe open, and no reply can come any more."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:  # first: a child that trickles its reply byte by byte meets the deadline too
        raise _Timeout
    if poll is not None and not write:
        if poll.until_readable(fd, remaining):
            return True
        remaining = deadline - time.monotonic()  # the poll took some of it
        if remaining <= 0:
            raise _Timeout
    exits = [exit_fd] if exit_fd is not None else []
    readable, writable, _ = select.select(exits if write else [fd, *exits], [fd] if write else [], [], remaining)
    if fd in (writable if write else readable):
        return True
    if readable:  # only the pidfd: the child has gone
        return False
    raise _Timeout


PIPE_BYTES = 1 << 20  # asked for each pipe of a child: large arrays cross in fewer, larger writes


def _set_pipes(request: int, reply: int | None) -> None:
    """The grader's end of the request pipe never blocks (a write takes what the
    pipe has room for, so a child that stops reading runs into the call's
    deadline), and both pipes hold up to PIPE_BYTES where Linux allows it."""
    os.set_blocking(request, False)
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    for fd in (request, reply):
        if setsize is not None and fd is not None:
            try:
                fcntl.fcntl(fd, setsize, PIPE_BYTES)
            except OSError:  # not a pipe (a zygote's socket), or over the user's pipe quota: the default size
                pass


class _Joining:
    """Writes a starting child's pid into its cgroups from a thread of the parent."""

    def __init__(self, procs: list[str], pid: int):
        import threading

        self.error: str | None = None
        self.thread = threading.Thread(target=self._join, args=(procs, pid), daemon=True)
        self.thread.start()

    def _join(self, procs: list[str], pid: int) -> None:
        try:
            for path in procs:
                with open(path, "w") as fh:
                    fh.write(str(pid))
        except OSError as exc:
            self.error = f"{type(exc).__name__}: {exc}"

    def wait(self) -> str | None:
        self.thread.join()
        return self.error


class _Timeout(Exception):
    pass


class _ChildGone(Exception):
    pass


class _OpenSteps:
    """What a Sandbox.steps request needs to read its replies, and how many are to come."""

    __slots__ = ("callables", "limit", "left", "timeout")

    def __init__(self, callables: list[Callable], limit: int, left: int, timeout: Callable[[], float]) -> None:
        self.callables, self.limit, self.left, self.timeout = callables, limit, left, timeout


def _reply_from(msg: dict) -> Reply:
    from .reply import Reply

    kind = msg.get("kind")
    known = {"return", "raise", "missing", "import_error", "unencodable", "rank_timeout", "rank_exit", "rank_setup", "steps_stopped"}
    if kind not in known:
        return Reply("protocol_error", detail=f"unexpected reply kind {str(kind)[:40]!r}")

    def text(key: str, limit: int = 8000) -> str:
        value = msg.get(key, "")
        return value[:limit] if isinstance(value, str) else ""

    frames = msg.get("frames") if isinstance(msg.get("frames"), list) else []
    clean_frames = []
    for fr in frames[:20]:
        if isinstance(fr, list) and len(fr) == 4:
            clean_frames.append([str(fr[0])[:200], fr[1] if isinstance(fr[1], int) else 0, str(fr[2])[:200], str(fr[3])[:300]])
    warns = msg.get("warnings") if isinstance(msg.get("warnings"), list) else []
    bases = msg.get("bases") if isinstance(msg.get("bases"), list) else []
    elapsed = msg.get("elapsed")
    return Reply(
        kind=kind,
        value=msg.get("value"),
        mutated=msg.get("mutated") if isinstance(msg.get("mutated"), list) else [],
        index=msg.get("index") if isinstance(msg.get("index"), int) else 0,
        stdout=text("stdout"),
        warnings=[str(w)[:300] for w in warns[:5]],
        type=text("type", 200),
        bases=[b[:200] for b in bases[:16] if isinstance(b, str)],
        message=text("message", 2000),
        frames=clean_frames,
        not_implemented=msg.get("not_implemented") is True,
        parameters=text("parameters", 300),
        elapsed=float(elapsed) if isinstance(elapsed, float) else 0.0,
        detail=text("detail", 2000) or text("func", 200),
        taken=msg.get("taken") is True,
    )




def _new_log() -> int:
    """An anonymous file for the child's stdout and stderr: it has no path a
    child could replace, and the parent reads it through this descriptor."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("mathdl-child-log", os.MFD_CLOEXEC)
    with tempfile.TemporaryFile() as fh:  # unlinked at once
        return os.dup(fh.fileno())


def cleanup() -> None:
    """Remove everything this process made for its children: the zygote, the
    cgroups, the private folders (call before exiting)."""
    from .spares import close_spares
    from .zygote import close_zygote

    close_spares()
    close_zygote()
    while _dying:
        _exit_status(_dying.pop(), 2.0)
    cgroups.cleanup()
    fs.remove_base()


import atexit  # noqa: E402

atexit.register(cleanup)
