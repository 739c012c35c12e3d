"""The child runtime: runs student functions on request, in its own process.

Started by :mod:`mathdl_cli.sandbox` as ``python -I -B child.py CONFIG_JSON``
from a private copy next to ``wire.py`` and ``confine.py``, or forked by a
zygote (``zygote.py``). Its start-up (``become_child``), before any student
code, in this order:

1. join the sandbox's cgroups (while still the grader's user);
2. confine itself as the configuration says: new namespaces and a new root
   (``confine.py``), or only a drop to an unprivileged user (plain process),
   or nothing more when bubblewrap already did it;
3. change to its scratch folder, set its environment and resource limits;
4. move the protocol pipes off fds 0/1, which then point at /dev/null and at
   the log the parent opened before the start (fd 2), import numpy and
   announce ``{"kind": "ready"}``.

A failure anywhere there exits with status ``START_FAILED`` and the reason on
the log: the parent reports a grader error, never the student's. Then it
serves requests:

    {"op": "call", "module": path, "func": name, "args": [...], "kwargs": {...}, "errstate": str|None}
    {"op": "callback_result", "value": ..., "error": str|None}   (only while a call is running)

A call with "ranks" runs the function once per rank of a torch.distributed
process group, in forked processes (see child_dist.py).

Every reply is one wire message with a ``kind``: return, raise, missing,
import_error, unencodable or callback. Nothing the child says is trusted: the
parent validates and compares everything itself.
"""

from __future__ import annotations

import os
import sys
import time

MAX_OUTPUT = 4000  # characters of printed output returned per call
START_FAILED = 70  # exit status of a child that could not start (a grader error)


def _apply_limits(rlimits: dict) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the parent's wall-clock timeout still applies
        return
    table = {
        "cpu": resource.RLIMIT_CPU,
        "as": getattr(resource, "RLIMIT_AS", None),
        "fsize": resource.RLIMIT_FSIZE,
        "nofile": resource.RLIMIT_NOFILE,
        "core": resource.RLIMIT_CORE,
        "nproc": getattr(resource, "RLIMIT_NPROC", None),
    }
    for key, value in rlimits.items():
        res = table.get(key)
        if res is None or value is None:
            continue
        resource.setrlimit(res, (int(value), int(value)))  # a limit that cannot be set fails the start


def _drop_to(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("could not change to the unprivileged user")


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG


class _CappedText:
    """A text stream that keeps the first MAX_OUTPUT characters."""

    def __init__(self, also=None) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0
        self.also = also  # a stream that gets the same text (the process's log), if any

    def write(self, s: str) -> int:
        s = str(s)
        if self.also is not None and self.size < MAX_OUTPUT:
            try:
                self.also.write(s[: MAX_OUTPUT - self.size])
                self.also.flush()
            except (OSError, ValueError):
                self.also = None
        room = MAX_OUTPUT - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n... [{self.dropped} more characters of output not shown]"
        return out


class FreshStart:
    """The parent started this process itself: the intermediate process (when
    there is one) ends the way the child ended, so the parent sees its status."""

    def started(self, pid: int) -> None:
        pass

    def forked(self) -> None:
        pass

    def exited(self, code: int) -> None:
        if code < 0:  # killed by a signal: die of the same one
            import signal

            if -code not in (signal.SIGKILL, signal.SIGSTOP):  # neither can have a handler (EINVAL)
                signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        os._exit(code if 0 <= code < 256 else 1)


def _fork_intermediate(link, signals_as_codes: bool = False) -> None:
    """Fork: the fork returns and becomes the child; this process stays as its
    parent, tells ``link`` the child's pid, waits for it and reports its exit
    status (it never returns). With ``signals_as_codes`` an exit status
    128 + N means "killed by signal N" (what ``_become_reaper`` reports)."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid:
        os.close(ready_r)
        try:
            link.started(pid)
        finally:
            os.close(ready_w)  # the child goes on only now
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if signals_as_codes and 128 < code < 128 + 65:
            code = 128 - code
        link.exited(code)
        os._exit(0)
    os.close(ready_w)
    link.forked()
    os.read(ready_r, 1)
    os.close(ready_r)


def _become_reaper(link=None) -> None:
    """In PID 1 of a new PID namespace: fork the child (which returns) and stay
    as its reaper, like an init. PID 1 ignores signals it has no handler for,
    so the child must not be PID 1; when the child ends, PID 1 ends with its
    status (128 + N for signal N) and the kernel kills whatever is left. With
    ``link`` (a zygote's fork without an intermediate process) PID 1 tells the
    grader how the child ended, as that process would have."""
    pid = os.fork()
    if pid == 0:
        return
    while True:
        try:
            done, status = os.wait()
        except ChildProcessError:
            os._exit(START_FAILED)
        if done == pid:
            code = os.waitstatus_to_exitcode(status)
            if link is not None:
                link.exited(code)  # never returns
            os._exit(128 - code if code < 0 else code)


PRELOADABLE = ("torch",)  # modules a chapter's metadata may ask children to import before their first call
AHEAD = ("numpy.random",)  # modules a load may ask for, imported before the submission's (see Sandbox.load_ahead)


def become_child(config: dict, link, forked: bool) -> None:
    """Steps 1-3 of the start-up; returns in the confined child."""
    for fd in config.get("cgroup_fds", []):  # cgroup.procs files the grader opened (a zygote in a container)
        os.write(fd, b"0")  # this process; its descendants follow
        os.close(fd)
    for procs in config.get("cgroups", []):
        with open(procs, "w") as fh:
            fh.write("0")  # this process; its descendants follow
    spec = config.get("confine")
    if spec is not None:
        import confine

        if config.get("pid_namespace"):  # the zygote made this fork PID 1 of a new PID namespace
            if getattr(link, "credentials", None) is None:  # its pid here (1) means nothing to the grader
                raise OSError("a fork in a PID namespace of its own must tell its pid as credentials")
            link.started(os.getpid())  # the credentials, before anything else on the reply pipe
            fds = confine.prepare(spec, in_pid_namespace=True)
            confine.setup_child(spec, fds)
            _become_reaper(link)  # it also reports how the child ended
        else:
            fds = confine.prepare(spec)
            _fork_intermediate(link, signals_as_codes=True)  # the fork is PID 1 of the new PID namespace
            confine.setup_child(spec, fds)
            _become_reaper()
        os.setsid()
    else:
        drop = config.get("drop")
        if drop:
            _drop_to(int(drop[0]), int(drop[1]))
        if forked:  # a zygote reaps its forks: an intermediate reports the exit status
            _fork_intermediate(link)
            os.setsid()
            _die_with_parent()
    if config.get("runtime"):  # where this runtime's files are now (after a new root)
        sys.path.insert(0, config["runtime"])
    os.chdir(config["cwd"])
    if "env" in config:
        os.environ.clear()
        os.environ.update(config["env"])
    _apply_limits(config.get("rlimits", {}))


def run_child(config: dict, link, forked: bool = False) -> None:
    """Start up (see the module's docstring), then serve requests on the protocol pipes."""
    try:
        become_child(config, link, forked)
        link.forked()  # nothing of the zygote's link reaches student code
        # protocol pipes: move them off fds 0/1 so student prints cannot corrupt them
        rfd = os.dup(0)
        wfd = os.dup(1)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # the log the parent opened before the start
        sys.stdin = open(os.devnull)

        import_numpy()  # preload: every chapter uses numpy
        import kernels  # noqa: F401 - the grader functions that run here, before any student code
        import wire

        for name in config.get("preload", []):  # torch for the chapters that need it, before ready
            if name in PRELOADABLE:
                __import__(name)

        _Warnings.install()
        server = Server(rfd, wfd, wire, config)
        server.send({"kind": "ready"})
    except BaseException as exc:  # noqa: BLE001 - nothing of the student's has run yet
        try:
            os.write(2, f"mathdl: the child process could not start: {type(exc).__name__}: {exc}\n".encode())
        finally:
            os._exit(START_FAILED)
    server.serve()


def _site(folders: list) -> None:
    """Started with ``python -I -S``: no ``site``, so no .pth file of the machine
    runs at every start. The parent names the site-packages folders instead
    (see sandbox.zygote.site_folders); the builtins ``site`` would add are added."""
    import site

    for folder in folders:
        if isinstance(folder, str) and folder not in sys.path:
            sys.path.append(folder)
    site.setquit()
    site.setcopyright()
    site.sethelper()


def import_numpy() -> None:
    try:
        import numpy  # noqa: F401
    except ImportError:  # numpy reachable only through a .pth file: run site after all
        import site

        site.main()
        import numpy  # noqa: F401


def main() -> None:
    import json

    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:  # python -I does not put the script's folder on the path
        sys.path.insert(0, here)
    if len(sys.argv) > 2 and sys.argv[1] == "--zygote":
        from zygote import serve_zygote

        _site(json.loads(sys.argv[4]) if len(sys.argv) > 4 else [])
        serve_zygote(int(sys.argv[2]), run_child, tuple(m for m in sys.argv[3:4] for m in m.split(",") if m),
                     pid_namespaces="--pid-namespaces" in sys.argv[5:])
        return
    config = json.loads(sys.argv[1])
    _site(config.get("site", []))
    run_child(config, FreshStart())


LIST = "#list"  # a digest path suffix: the objects of a list argument, in order
STUDENT_MODULES = "mathdl student module "  # + the file's stem: a chapter module's name and sys.modules key, which no import statement reaches


def _changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The paths a call changed. A list argument whose own entries changed is
    reported as ``<path>#reordered`` (the same objects in another order: sort,
    reverse, shuffle), ``#resized`` (append, pop) or ``#replaced`` (an entry
    assigned: Ws[0] = ...), before the paths of the arrays it holds."""
    changed = [path for path, digest in before.items() if after.get(path) != digest]
    lists = []
    for path in [p for p in changed if p.endswith(LIST)]:
        base = path[: -len(LIST)]
        old, new = before[path].split(","), (after.get(path) or "").split(",")
        how = "resized" if len(old) != len(new) else "reordered" if sorted(old) == sorted(new) else "replaced"
        lists.append(f"{base}#{how}")
    return lists + [p for p in changed if not p.endswith(LIST)]


def _digests(args: list, kwargs: dict, witness: dict | None = None, against: dict | None = None) -> dict[str, object]:
    """A digest of every array among the arguments, by path ("0[1]", "Ws[2]"), so
    that the reply can name the arguments a call modified in place.

    Before a call (``witness``: wire.decode's map of the arrays it made to the
    request's bytes they were copied from) an array that arrived with the request
    is digested as those bytes (:class:`_Arrived`): nothing is hashed. After it
    (``against``: the digests before) such an array is compared with them, so a
    call costs one comparison per array argument. An array without them (the
    ranks of chapter 23) gets a CRC-32 before and after."""
    import zlib

    import numpy as np

    out: dict[str, object] = {}

    def visit(x, path: str) -> None:
        arrived = witness.get(id(x)) if witness else None
        if arrived is not None and arrived[0]() is not x:  # not the object decoded (a reused id)
            arrived = None
        if hasattr(x, "detach") and hasattr(x, "numpy"):  # a torch tensor
            x = x.detach().cpu().numpy()
        if isinstance(x, np.ndarray):
            was = against.get(path) if against is not None else None
            if isinstance(was, _Arrived):
                out[path] = was if was.holds(x) else "changed"
            elif arrived is not None:
                out[path] = _Arrived(arrived[1], x.shape, x.dtype.str)
            else:
                data = np.ascontiguousarray(x)
                # a checksum, not a secure hash: it only tells the student what their code changed
                out[path] = f"{zlib.crc32(data.view(np.uint8).reshape(-1) if data.size else b''):08x}{data.shape}{data.dtype.str}"
        elif isinstance(x, (list, tuple)):
            if isinstance(x, list):  # the list itself: which objects, in which order
                out[path + LIST] = ",".join(str(id(v)) for v in x)
            for i, v in enumerate(x):
                visit(v, f"{path}[{i}]")
        elif isinstance(x, dict):
            for k, v in x.items():
                visit(v, f"{path}[{k!r}]")

    for i, a in enumerate(args):
        visit(a, str(i))
    for k, v in kwargs.items():
        visit(v, k)
    return out


class _Arrived:
    """An array argument as it arrived: the request's bytes it was copied from."""

    __slots__ = ("blob", "shape", "dtype")

    def __init__(self, blob, shape: tuple, dtype: str) -> None:
        self.blob, self.shape, self.dtype = blob, shape, dtype

    def holds(self, x) -> bool:
        """Whether ``x`` still has this shape, dtype and bytes (compared in slices of
        4 MB: no temporary as large as the array)."""
        import numpy as np

        if x.shape != self.shape or x.dtype.str != self.dtype or x.nbytes != len(self.blob):
            return False
        now = np.ascontiguousarray(x).reshape(-1).view(np.uint8)
        then = np.frombuffer(self.blob, dtype=np.uint8)
        step = 1 << 22
        return all(np.array_equal(now[i : i + step], then[i : i + step]) for i in range(0, now.size, step))


def _bases(exc: BaseException) -> list:
    """The names of the classes ``exc`` is an instance of, after its own (a check that
    wants a ValueError takes a subclass of it); [] if a class will not say its name."""
    try:
        return [str(cls.__name__)[:200] for cls in type(exc).__mro__[1:17]]
    except Exception:  # noqa: BLE001 - a metaclass of the student's
        return []


def _grader_function_failed(error: str):
    """What student code sees when a function of the grader's refused its input."""
    raise RuntimeError(f"grader callback failed: {error}")


def _callback_id(func) -> int:
    ident = getattr(func, "_mathdl_id", None)
    if not isinstance(ident, int):
        raise TypeError(f"a function ({getattr(func, '__name__', type(func).__name__)}) cannot be returned")
    return ident


class Server:
    def __init__(self, rfd: int, wfd: int, wire, config: dict):
        self.rfd, self.wfd, self.wire = rfd, wfd, wire
        self.inbuf = bytearray()
        self.modules: dict[str, object] = {}
        self.import_errors: dict[str, dict] = {}
        self.roots = [os.path.realpath(p) for p in config.get("student_roots", [])]
        # polls for a request before sleeping, until another process wants the CPU (the grader's Sandbox checked the values)
        self.poll = wire.Poll(config.get("spin", 0.0), config.get("spin_contended", 0.0))

    # -- framing -------------------------------------------------------
    def _read_exact(self, n: int) -> bytes:
        """``n`` bytes of the request pipe; a read takes what is there (a request's
        length and body at once), the rest waits in ``inbuf``."""
        buf = self.inbuf
        if n - len(buf) > 1 << 20:  # a long request: straight into a buffer of its own
            import numpy as np

            # numpy's buffer is not zeroed first and is given huge pages (bytearray(n) zeroes
            # every 4 KiB page first: about 15 ms for 26 MB)
            out = np.empty(n, dtype=np.uint8)
            have = len(buf)
            if have:
                out[:have] = np.frombuffer(buf, dtype=np.uint8)
            del buf[:]
            with memoryview(out) as view:
                while have < n:
                    got = os.readv(self.rfd, [view[have:]])
                    if not got:
                        os._exit(0)  # parent went away
                    have += got
            return out
        if not buf:
            self.poll.until_readable(self.rfd, float("inf"))
        while len(buf) < n:
            chunk = os.read(self.rfd, min(max(n - len(buf), 1 << 16), 1 << 20))
            if not chunk:
                os._exit(0)  # parent went away
            buf += chunk
        with memoryview(buf) as view:
            data = bytes(view[:n])
        del buf[:n]
        return data

    def recv(self, witness: dict | None = None):
        import struct

        (n,) = struct.unpack("<Q", self._read_exact(8))
        wire = self.wire
        return wire.decode(self._read_exact(n), make_callback=self._make_callback, make_kernel=self._make_kernel,
                           make_draw=self._make_draw, tensors=True, witness=witness, defer="calls" if witness is not None else None)

    def send(self, msg: dict) -> bool:
        """Write ``msg``; False if it could not be encoded (an "unencodable" reply went instead)."""
        wire = self.wire
        sent = True
        try:
            parts = wire.framed(msg, register_callable=_callback_id)
        except BaseException as exc:  # noqa: BLE001 - WireError, or a lying __float__/__len__
            detail = str(exc) if isinstance(exc, wire.WireError) else f"{type(exc).__name__}: {exc}"
            parts = wire.framed({"kind": "unencodable", "detail": detail[:500], "stdout": str(msg.get("stdout", ""))})
            sent = False
        views = [memoryview(p) for p in parts if len(p)]
        while views:  # the arrays' buffers are views of the values: written before anything runs again
            wire.advance(views, os.writev(self.wfd, views[:64]))
        return sent

    # -- callbacks into the parent --------------------------------------
    def _make_callback(self, ident: int):
        server = self

        def callback(*args, **kwargs):
            server.send({"kind": "callback", "id": ident, "args": list(args), "kwargs": kwargs})
            reply = server.recv()
            if reply.get("error"):
                _grader_function_failed(reply["error"])
            return reply.get("value")

        callback.__name__ = f"grader_function_{ident}"
        callback._mathdl_id = ident
        return callback

    def _make_kernel(self, name, params, options):
        """A grader function that runs here (see mathdl_cli/kernels.py), behaving
        like a callback: arguments and value as if they had crossed the wire, and
        the same error."""
        import kernels

        kernel = kernels.build(name, params, options)
        roundtrip = self.wire.roundtrip

        def grader_function(*args, **kwargs):
            try:
                args, kwargs = roundtrip((list(args), dict(kwargs)))
                return roundtrip(kernel(*args, **kwargs))
            except Exception as exc:  # noqa: BLE001 - reported as a failed grader function, like a callback's
                error = f"{type(exc).__name__}: {exc}"
            _grader_function_failed(error)

        return grader_function

    @staticmethod
    def _make_draw(recipe, seed, shape, params):
        """A random input the grader sent as its recipe (see kernels.Draw), drawn here."""
        import kernels

        return kernels.build_draw(recipe, seed, shape, params)

    # -- requests -------------------------------------------------------
    def serve(self) -> None:
        while True:
            witness: dict = {}  # the arrays of this request and the bytes they came from (see _digests)
            req = self.recv(witness)
            if req.get("op") == "call":
                self.call(req, witness)
            elif req.get("op") == "exit":
                os._exit(0)

    def _module(self, path: str):
        if path in self.modules:
            return self.modules[path], None
        if path in self.import_errors:
            return None, self.import_errors[path]
        import importlib.util

        # The module's name (its __name__, its classes' __module__) is its sys.modules key, one
        # no import statement can name: each chapter module imports as it would alone,
        # whichever other chapters this child holds (else `import ch02_...` in chapter 3 works
        # in a check of both, and fails where chapter 3 is graded alone), while whatever looks
        # a class's module up (dataclasses, pickle, inspect.getsource, get_type_hints) finds it.
        name = STUDENT_MODULES + os.path.splitext(os.path.basename(path))[0]
        out = _CappedText(also=sys.__stderr__)  # also to the log: a child dying mid-import leaves its words there
        old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001 - SystemExit included
            sys.modules.pop(name, None)
            err = {"kind": "import_error", **self._describe(exc), "stdout": out.text()}
            self.import_errors[path] = err
            return None, err
        finally:
            sys.stdout, sys.stderr = old
        self.modules[path] = module
        return module, None

    def describe_call(self, func, args: list, kwargs: dict, exc: BaseException, caller=None) -> dict:
        """:meth:`_describe` of an exception a call of ``func`` raised; for arguments that
        do not fit its parameters (see :func:`_unfitting_parameters`), those parameters
        and no frame (the function never started)."""
        described = self._describe(exc)
        parameters = _unfitting_parameters(func, args, kwargs, exc, caller)
        if parameters is not None:
            described.update(frames=[], parameters=parameters)
        return described

    def _describe(self, exc: BaseException) -> dict:
        import traceback

        frames = []
        tb = exc.__traceback__
        extracted = traceback.extract_tb(tb)
        for fr in extracted:
            real = os.path.realpath(fr.filename)
            if any(real.startswith(r + os.sep) for r in self.roots):
                frames.append([os.path.basename(fr.filename), fr.lineno or 0, fr.name, (fr.line or "").strip()])
        if extracted and (not frames or frames[-1][1] != extracted[-1].lineno):
            last = extracted[-1]
            if not last.filename.startswith("<frozen") and not any(os.path.realpath(last.filename).startswith(r + os.sep) for r in self.roots):
                frames.append(["(library) " + os.path.basename(last.filename), last.lineno or 0, last.name, (last.line or "").strip()])
        if isinstance(exc, SyntaxError) and exc.filename:
            frames.append([os.path.basename(exc.filename), exc.lineno or 0, "<module>", (exc.text or "").strip()])
        msg = str(exc)
        if isinstance(exc, SystemExit):
            msg = f"sys.exit({exc.code!r}) was called"
        return {
            "type": type(exc).__name__,
            "bases": _bases(exc),
            "message": msg[:2000],
            "frames": frames[-12:],
            "not_implemented": isinstance(exc, NotImplementedError),
        }

    def _attempt(self, func, args: list, kwargs: dict, errstate: str | None, witness: dict | None, capture: tuple):
        """(value, the argument paths it changed in place) of one call of student code;
        None once it raised, which is then reported (``capture``: the streams to restore,
        the call's output, its index in the request)."""
        before = _digests(args, kwargs, witness)
        try:
            value = _invoke(func, args, kwargs, errstate)
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything
            (sys.stdout, sys.stderr), out, index = capture
            self.send({"kind": "raise", **self.describe_call(func, args, kwargs, exc), "stdout": out.text(), "index": index})
            return None
        return value, _changes(before, _digests(args, kwargs, against=before))

    def _steps(self, func, req: dict, witness: dict) -> None:
        """Steps of a recursion, ``value_k = func(*state_k, *extras[k], **kwargs)`` with
        ``state_{k+1} = tuple(value_k)``, one reply per step as soon as it is done (the
        grader reads each within a call's time and may stop reading: see
        Sandbox.steps). After a failure nothing more is sent; a value that cannot be
        fed back ends the steps with "steps_stopped" and the grader goes on alone."""
        spec = req["steps"]
        state, extras, kwargs = list(spec["state"]), spec["extras"], dict(req.get("kwargs", {}))
        errstate = req.get("errstate")
        for index, extra in enumerate(extras):
            args = [*state, *extra]
            out = _CappedText()
            old = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = out
            caught = _Warnings.start()
            t0 = time.perf_counter()
            done = self._attempt(func, args, kwargs, errstate, witness, (old, out, index))
            if done is None:
                return
            value, changed = done
            elapsed = time.perf_counter() - t0
            sys.stdout, sys.stderr = old
            reply = {"kind": "return", "value": value, "mutated": changed, "stdout": out.text(), "warnings": caught[:5],
                     "elapsed": elapsed, "index": index}
            if not self.send(reply) or index == len(extras) - 1:
                return
            state = _fed_back(self.wire, value, witness)
            if state is None:
                self.send({"kind": "steps_stopped", "index": index + 1})
                return
            del args, value

    def call(self, req: dict, witness: dict | None = None) -> None:
        """One call ("args"/"kwargs"), or several of one function ("calls": a list of
        [args, kwargs]; the reply then holds a list of values, and a failure says
        which call failed)."""
        for name in req.get("modules") or ():  # a load sent ahead: what the checks will need anyway
            if name in AHEAD:
                __import__(name)
        module, err = self._module(req["module"])
        if err is not None:
            self.send(err)
            return
        if req["func"] == "__mathdl_load__":  # box.LOAD
            self.send({"kind": "return", "value": None, "mutated": [], "stdout": "", "warnings": []})
            return
        func = getattr(module, req["func"], None)
        if not callable(func):
            self.send({"kind": "missing", "func": req["func"]})
            return
        if "ranks" in req:  # one call per rank of a torch.distributed process group (chapter 23)
            import child_dist

            self.send(child_dist.run_ranks(func, req, self, digests=_digests, capture=_CappedText))
            return
        if "steps" in req:
            self._steps(func, req, witness)
            return
        many = "calls" in req
        calls = req["calls"] if many else [[req.get("args", []), req.get("kwargs", {})]]
        out = _CappedText()
        old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
        errstate = req.get("errstate")
        caught = _Warnings.start()
        values, mutated = [], []
        t0 = time.perf_counter()
        decoding = 0.0  # not the student's time
        for index in range(len(calls)):
            t1 = time.perf_counter()
            args, kwargs = calls[index]  # a batch's calls are decoded one at a time (wire.decode's defer)
            args, kwargs = list(args), dict(kwargs)
            decoding += time.perf_counter() - t1
            done = self._attempt(func, args, kwargs, errstate, witness, (old, out, index))
            if done is None:
                return
            values.append(done[0])
            mutated.append(done[1])
            del done, args, kwargs  # this call's copies are freed (unless its value holds them) before the next call's are made
        sys.stdout, sys.stderr = old
        reply = {
            "kind": "return",
            "value": values if many else values[0],
            "mutated": mutated if many else mutated[0],
            "stdout": out.text(),
            "warnings": caught[:5],
            "elapsed": time.perf_counter() - t0 - decoding,
        }
        if "form" in req and not many:
            reply["value"], reply["taken"] = _in_form(values[0], req["form"])
        self.send(reply)


def _in_form(value, form) -> tuple:
    """(the part of ``value`` the grader asked for, True) when ``value`` is what the
    grader expects, a float64 array of the shape ``form["shape"]``:

    * "columns": finite, and only the columns ``form["index"]`` are sent (a check's
      window of k in an (R, K) array of chains);
    * "zero_one": every entry 0 or 1, sent as a bool array (a mask: an eighth of it).

    Anything else crosses whole, (value, False), and the grader judges it as it judges
    any value: its type, shape, finiteness and values are then reported as ever."""
    import numpy as np

    try:
        kind, shape = form["kind"], tuple(form["shape"])
        if not (type(value) is np.ndarray and value.dtype == np.float64 and value.shape == shape):
            return value, False
        if kind == "columns":
            index = np.asarray(form["index"], dtype=np.int64)
            if len(shape) == 2 and index.ndim == 1 and np.all((0 <= index) & (index < shape[1])) and np.isfinite(value).all():
                return np.ascontiguousarray(value[:, index]), True
        elif kind == "zero_one":
            ones = value == 1.0
            if np.count_nonzero(ones) + np.count_nonzero(value == 0.0) == value.size:
                return ones, True
    except Exception:  # noqa: BLE001 - a malformed request: the value crosses whole
        pass
    return value, False


def _unfitting_parameters(func, args: list, kwargs: dict, exc: BaseException, caller=None) -> str | None:
    """The function's parameters as text, e.g. "(X, y)", when ``exc`` is the TypeError of a
    call whose arguments do not fit them (raised by the call itself, in :func:`_invoke` or
    the ``caller`` code object, before the function's first line); else None. Annotations
    are left out, and a default is shown only when it is a plain bool, int, float, str or
    None (no object's own repr runs); the grader bounds the text like any other."""
    if not isinstance(exc, TypeError) or exc.__traceback__ is None:
        return None
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    if tb.tb_frame.f_code is not (caller or _invoke.__code__):  # raised inside the function (or below it)
        return None
    import inspect

    try:
        sig = inspect.signature(func)
        try:
            sig.bind(*args, **kwargs)
            return None  # they fit: the TypeError came from elsewhere (a builtin's own check)
        except TypeError:
            pass
        plain = (bool, int, float, str, type(None))
        params = [p.replace(annotation=p.empty, default=p.default if p.default is p.empty or type(p.default) in plain else _ELIDED)
                  for p in sig.parameters.values()]
        return str(sig.replace(parameters=params, return_annotation=sig.empty))[:300]
    except Exception:  # noqa: BLE001 - an object of the student's that inspect cannot read
        return None


class _Elided:
    def __repr__(self) -> str:
        return "..."


_ELIDED = _Elided()


def _invoke(func, args: list, kwargs: dict, errstate: str | None):
    if not errstate:
        return func(*args, **kwargs)
    import numpy as np

    # "raise": overflow, division by zero and invalid operations raise;
    # underflow to 0 (exp(-800) in a stable sigmoid) is ordinary and allowed
    with np.errstate(all=errstate, under="ignore"):
        return func(*args, **kwargs)


def _fed_back(wire, value, witness: dict):
    """A step's value as the grader would send it back as the next step's state: what
    crosses the boundary both ways (wire.decode(wire.encode(...)), numpy arrays for
    tensors), recorded in ``witness`` like a request's arrays; None if it cannot be
    (not a tuple or list, or not plain data: the grader then makes the next calls itself)."""
    if not isinstance(value, (list, tuple)):
        return None
    try:
        return list(wire.decode(wire.encode(value, register_callable=_callback_id), witness=witness))
    except BaseException:  # noqa: BLE001 - WireError, or a lying __len__ of the student's
        return None


class _Warnings:
    """Collects the warnings of the current call (installed once: cheaper than
    warnings.catch_warnings around every call)."""

    current: list[str] = []

    @classmethod
    def install(cls) -> None:
        import warnings

        warnings.simplefilter("always")

        def show(message, category, filename, lineno, file=None, line=None):
            if len(cls.current) < 20:
                cls.current.append(f"{category.__name__}: {message}"[:300])

        warnings.showwarning = show

    @classmethod
    def start(cls) -> list[str]:
        cls.current = []
        return cls.current

if __name__ == "__main__":
    main()
