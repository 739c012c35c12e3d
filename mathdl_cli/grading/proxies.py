"""What graders call: the student's functions (in the child) and the reference.

``student.f(...)`` sends the arguments to the child, turns every way the call
can go wrong into a check outcome (not started, error, timeout, wrong type),
checks that the arguments were not modified in place, and returns plain data.
``ref.f(...)`` returns the reference's answer on the same arguments: computed
live from ``solutions_private`` (instructor), or read from the recordings kept
next to the graders (student), or computed and recorded (``mathdl record``).
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
from typing import Any, Callable, Iterator

import numpy as np

from .. import kernels, wire
from ..catalog import Chapter, FunctionSpec
from ..sandbox import Reply, Sandbox
from . import expect
from .errors import CallInfo, CheckFailed, GraderError, NotStarted, StudentError, StudentTimeout, current

RANK_COLLECTIVE_TIMEOUT = 5.0  # seconds a torch.distributed operation may wait for its peers (chapter 23)
RANK_HUNG_COLLECTIVE_TIMEOUT = 2.0  # ... once that function has already timed out in this run
RANK_REPORT_MARGIN = 1.5  # seconds the child keeps to kill the ranks and report before the parent's deadline


@functools.lru_cache(maxsize=512)
def param_names(signature: str) -> tuple[str, ...]:
    tree = ast.parse(f"def _f{signature}:\n    pass")
    fn = tree.body[0]
    a = fn.args
    return tuple(p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs])


def _shape_of(x: Any, depth: int = 0) -> str:
    if isinstance(x, np.ndarray):
        return str(tuple(x.shape)) if x.ndim else f"{x.item()!r}"
    if isinstance(x, kernels.Draw):
        return str(x.shape)
    if isinstance(x, (list, tuple)) and depth < 2:
        inner = ", ".join(_shape_of(v, depth + 1) for v in x[:6])
        more = ", ..." if len(x) > 6 else ""
        return f"[{inner}{more}]" if isinstance(x, list) else f"({inner}{more})"
    if isinstance(x, dict) and depth < 2:
        items = list(x.items())
        inner = ", ".join(f"{k!s}: {_shape_of(v, depth + 1)}" for k, v in items[:8])
        return "{" + inner + (", ..." if len(items) > 8 else "") + "}"
    if isinstance(x, np.random.Generator):
        return "Generator"
    if callable(x):
        return "<function>"
    if isinstance(x, float):
        return f"{x:.6g}"
    text = repr(x)
    return text if len(text) <= 30 else text[:27] + "..."


def describe_args(spec: FunctionSpec | None, args: tuple, kwargs: dict) -> str:
    names = param_names(spec.signature) if spec else ()
    parts = []
    for i, value in enumerate(args):
        name = names[i] if i < len(names) else f"arg{i}"
        parts.append(f"{name}={_shape_of(value)}")
    for name, value in kwargs.items():
        parts.append(f"{name}={_shape_of(value)}")
    return ", ".join(parts)


def _mutated_argument(spec: FunctionSpec, mutated: list[str]) -> str | None:
    """The first argument the child saw change during the call, named as in the
    signature: "0[1]" becomes "Ws[1]". (A child could hide a mutation; it would
    only hide its own mistake: the values are judged here.)"""
    paths = [p for p in mutated if isinstance(p, str)] if isinstance(mutated, list) else []
    if not paths:
        return None
    path, hash_, how = paths[0][:200].partition("#")  # "0#reordered": the list itself changed
    head, sep, rest = path.partition("[")
    if head.isdigit():
        names = param_names(spec.signature)
        index = int(head)
        head = names[index] if index < len(names) else f"argument {index}"
    return head + sep + rest + hash_ + how


class StudentProxy:
    """Attribute access gives the student's functions of one chapter module."""

    def __init__(self, state: Any, chapter: Chapter):
        self._state = state
        self._chapter = chapter
        self._errstate: str | None = None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        owner = self._chapter.function_owner(name)
        if owner is None:
            raise GraderError(f"the grader called {name}, which chapter {self._chapter.number}'s metadata does not declare")

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(owner, owner.function(name), args, kwargs)

        def many(arglist: list[tuple], **kwargs: Any) -> list:
            """Several calls in one round trip to the child, e.g. the points of a
            finite-difference check: ``student.f.many([(x1,), (x2,)], h=0.1)``.
            The first call that fails ends the batch with its outcome."""
            return self._call(owner, owner.function(name), (), kwargs, batch=[tuple(a) for a in arglist])

        def ranks(world_size: int, per_rank_args: list[tuple], *, collective_timeout: float = RANK_COLLECTIVE_TIMEOUT, **kwargs: Any) -> list:
            """Run the function once on every rank of a gloo process group of
            ``world_size`` processes over 127.0.0.1 (chapter 23): rank r calls it
            with ``per_rank_args[r]`` (plain data; no callables) and the shared
            ``kwargs``; returns the list of the ranks' results. Every collective
            must complete within ``collective_timeout`` seconds, else the check
            reports a timeout naming the rank and the operation."""
            if len(per_rank_args) != world_size:
                raise GraderError(f"{name}.ranks: {len(per_rank_args)} argument tuples for world_size {world_size}")
            spec = {"world_size": int(world_size), "collective_timeout": float(collective_timeout)}
            return self._call(owner, owner.function(name), (), kwargs, batch=[tuple(a) for a in per_rank_args], ranks=spec)

        def steps(state: tuple, extras: list[tuple], **kwargs: Any) -> Iterator[Any]:
            """The values of a recursion run on the student's own state, as the loop
            ``for extra in extras: value = f(*state, *extra); yield value; state = tuple(value)``
            makes them, with the same checks, messages and time limit per call, but
            one request for all the steps: the child sends each value as soon as it
            is computed, and computes the next while the grader checks this one. Stop
            iterating at any point (a failed check): later values are never looked at."""
            return self._steps(owner, owner.function(name), tuple(state), [tuple(e) for e in extras], kwargs)

        def formed(form: Form) -> Callable[..., Any]:
            """The function, with only the part or form of its result that ``form`` says
            crossing from the child (see :func:`columns`, :func:`zero_one`)."""
            return lambda *args, **kwargs: self._call(owner, owner.function(name), args, kwargs, form=form)

        call.__name__ = name
        call.many = many  # type: ignore[attr-defined]
        call.formed = formed  # type: ignore[attr-defined]
        call.steps = steps  # type: ignore[attr-defined]
        call.ranks = ranks  # type: ignore[attr-defined]
        return call

    @contextlib.contextmanager
    def errstate(self, mode: str = "raise") -> Iterator[None]:
        """Run calls under ``numpy.errstate(all=mode, under="ignore")`` in the child:
        with "raise", an overflow, a division by zero or an invalid operation
        is an error; underflow to zero is allowed."""
        old, self._errstate = self._errstate, mode
        try:
            yield
        finally:
            self._errstate = old

    def _call(self, exercise: Any, spec: FunctionSpec, args: tuple, kwargs: dict, batch: list[tuple] | None = None, ranks: dict | None = None,
              form: Form | None = None) -> Any:
        ctx = current()
        first = batch[0] if batch else args
        if ranks:
            unit = lambda i: f"rank {i} of {len(batch)}"  # noqa: E731
        else:
            unit = lambda i: f"call {i + 1} of {len(batch)}"  # noqa: E731
        suffix = (f"; rank 0 of {len(batch)} (world_size {len(batch)})" if ranks else f"; the first of {len(batch)} calls") if batch else ""
        info = CallInfo(spec.name, lambda: describe_args(spec, first, kwargs) + suffix)
        if ctx is not None:
            ctx.calls.append(info)
        module = self._state.module_path(self._chapter)
        sandbox: Sandbox = self._state.sandbox
        self._state.ensure_loaded(module)
        calls = [(list(a), dict(kwargs)) for a in batch] if batch is not None else None
        if ranks:  # the ranks run in parallel; the child reports before the parent's deadline
            limit = self._state.timeout(exercise.timeout, spec.name)
            ranks = dict(ranks, deadline=max(0.5, limit - RANK_REPORT_MARGIN))
            if spec.name in self._state.hung_ranks:  # it deadlocked once: later cases need not wait as long
                ranks["collective_timeout"] = min(ranks["collective_timeout"], RANK_HUNG_COLLECTIVE_TIMEOUT)
            ranks["collective_timeout"] = min(ranks["collective_timeout"], ranks["deadline"])
        else:
            limit = self._state.timeout(exercise.timeout * max(1, len(batch or ())), spec.name)
        reply = sandbox.call(module, spec.name, list(args), dict(kwargs), timeout=limit, errstate=self._errstate, calls=calls, ranks=ranks,
                             form=form.request if form is not None else None)
        if batch is None:
            value = self._outcome(spec, info, reply, ctx, limit)
            return value if form is None else form.received(value, reply.taken, info)
        self._note(spec, reply, ctx)
        if reply.kind == "rank_timeout":
            self._state.hung_ranks.add(spec.name)
        if batch and reply.kind in ("raise", "rank_timeout"):
            failed = batch[reply.index] if 0 <= reply.index < len(batch) else first
            info = CallInfo(spec.name, lambda: describe_args(spec, failed, kwargs) + f"; {unit(reply.index)}")
            if ctx is not None:
                ctx.calls[-1] = info
        outcome = outcome_of(reply, info, self._chapter, limit)
        if outcome is not None:
            raise outcome
        values = reply.value if isinstance(reply.value, list) else []
        mutated = reply.mutated if isinstance(reply.mutated, list) else []
        if len(values) != len(batch) or len(mutated) != len(batch):
            raise StudentError(f"while running {spec.name}: the child returned {len(values)} results for {len(batch)} calls", {"kind": "protocol"})
        each = [CallInfo(spec.name, _describe_one(spec, args, kwargs, unit(i))) for i, args in enumerate(batch)]
        for one, paths in zip(each, mutated):
            self._check_mutation(spec, one, paths)
        if ctx is not None:
            # a failure on one of these values names the call that returned it; on a value
            # derived from several, the last call, as when the calls were made one by one
            # (ranks run together: there the whole group stays the description)
            if not ranks:
                ctx.calls[-1] = each[-1]
            for one, value in zip(each, values):
                _trace(ctx, value, one)
        return values

    def _steps(self, exercise: Any, spec: FunctionSpec, state: tuple, extras: list[tuple], kwargs: dict) -> Iterator[Any]:
        ctx = current()
        module = self._state.module_path(self._chapter)
        sandbox: Sandbox = self._state.sandbox
        self._state.ensure_loaded(module)
        limits: list[float] = []

        def limit() -> float:  # asked once per step, before its reply is awaited, as a call asks once
            limits.append(self._state.timeout(exercise.timeout, spec.name))
            return limits[-1]

        replies = sandbox.steps(module, spec.name, list(state), [list(e) for e in extras], dict(kwargs), timeout=limit, errstate=self._errstate)
        done = 0
        try:
            for reply in replies:
                if reply.kind == "steps_stopped":  # a value the child could not feed back
                    break
                if done:
                    state = tuple(value)
                args = (*state, *extras[done])
                info = CallInfo(spec.name, lambda args=args: describe_args(spec, args, kwargs))
                if ctx is not None:
                    ctx.calls.append(info)
                value = self._outcome(spec, info, reply, ctx, limits[-1])
                done += 1
                yield value
        finally:
            replies.close()
        for extra in extras[done:]:  # the rest one call at a time, exactly as the loop makes them
            if done:
                state = tuple(value)
            value = self._call(exercise, spec, (*state, *extra), kwargs)
            done += 1
            yield value

    def _note(self, spec: FunctionSpec, reply: Reply, ctx: Any) -> None:
        """What every reply leaves: a timeout marks the function hung; output and warnings go to the check."""
        if reply.kind == "timeout":
            self._state.hung.add(spec.name)
        if ctx is not None:
            if reply.stdout:
                ctx.outputs.append(reply.stdout)
            ctx.warnings.extend(reply.warnings)

    def _outcome(self, spec: FunctionSpec, info: CallInfo, reply: Reply, ctx: Any, limit: float) -> Any:
        """The value of one call's reply, or the failure it is."""
        self._note(spec, reply, ctx)
        outcome = outcome_of(reply, info, self._chapter, limit)
        if outcome is not None:
            raise outcome
        self._check_mutation(spec, info, reply.mutated)
        if ctx is not None:  # checked after later calls, it still names this one
            _trace(ctx, reply.value, info)
        return reply.value

    @staticmethod
    def _check_mutation(spec: FunctionSpec, info: CallInfo, mutated: Any) -> None:
        where = _mutated_argument(spec, mutated)
        if where and "#" in where:  # the caller's list itself changed: say how (grading/lists.py)
            from .lists import list_changed

            raise list_changed(spec.name, where, str(info))
        if where:
            raise CheckFailed(
                f"{spec.name} modified its argument {where} in place; work on a copy "
                f"(x = x - ... or x = x.copy()) instead of x -= ... or x[...] = ...",
                {"kind": "mutation", "quantity": f"argument {where}", "call": str(info)},
            )


def _trace(ctx: Any, value: Any, info: CallInfo) -> None:
    """Remember which call returned ``value`` and, for a tuple, list or dict, each of
    its items (a result unpacked before it is checked). None, bools and ints are
    left out: small ints are shared objects, their identity says nothing."""
    for v in (value, *(value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ())):
        if v is not None and not isinstance(v, (bool, int)):
            ctx.origins[id(v)] = (v, info)


class Form:
    """A part or form of a call's result that a check reads, asked of the child instead
    of the whole (child._in_form): the result is judged as ``expect.like(result, like)``
    judges it, with the same outcomes and messages, but less crosses the pipe. Where the
    child finds the result is not what ``like`` is, it sends it whole and it is judged
    here; what it sends in the form must be exactly that form, else the call fails
    (fail closed: a child that forges the form cannot slip a malformed value through)."""

    def __init__(self, request: dict, like: np.ndarray, from_whole: Callable[[Any], Any], sent: Callable[[Any], bool], what: str):
        self.request, self.like, self.from_whole, self.sent, self.what = request, like, from_whole, sent, what

    @classmethod
    def columns(cls, index: Any, like: np.ndarray) -> "Form":
        """The columns ``index`` of a 2-D float64 result (a window of k in chains)."""
        index = [int(i) for i in index]
        want = (like.shape[0], len(index))
        return cls({"kind": "columns", "shape": list(like.shape), "index": index}, like,
                   lambda value: np.asarray(expect.like(value, like))[:, index],
                   lambda value: type(value) is np.ndarray and value.dtype == np.float64 and value.shape == want and bool(np.isfinite(value).all()),
                   f"finite float64 columns of shape {want}")

    @classmethod
    def zero_one(cls, like: np.ndarray) -> "Form":
        """A float64 result of 0s and 1s (a mask) as a bool array; any other result whole."""
        return cls({"kind": "zero_one", "shape": list(like.shape)}, like, lambda value: expect.like(value, like),
                   lambda value: type(value) is np.ndarray and value.dtype == np.bool_ and value.shape == like.shape,
                   f"a bool array of shape {like.shape}")

    def received(self, value: Any, taken: bool, info: CallInfo) -> Any:
        if not taken:
            return self.from_whole(value)
        if not self.sent(value):
            raise StudentError(f"while running {info.func}: the child sent a value that is not {self.what}", {"kind": "protocol"})
        return value


def formed(fn: Callable[..., Any], form: Form) -> Callable[..., Any]:
    """``fn`` with ``form`` applied to its result: in the child for a student's function
    (``fn.formed``); a plain function (the calibration tests hand a grader helper the
    reference's own) is called and its whole result judged and formed here."""
    ask = getattr(fn, "formed", None)
    return ask(form) if ask is not None else lambda *args, **kwargs: form.from_whole(fn(*args, **kwargs))


def columns(fn: Callable[..., Any], index: Any, like: np.ndarray) -> Callable[..., np.ndarray]:
    """``np.asarray(expect.like(fn(...), like))[:, index]``, where only those columns
    cross from the child: ``columns(student.f, W, like=np.zeros((R, K)))(...)``."""
    return formed(fn, Form.columns(index, like))


def zero_one(fn: Callable[..., Any], like: np.ndarray) -> Callable[..., np.ndarray]:
    """``expect.like(fn(...), like)``, where a result of 0s and 1s crosses as a bool array
    (an eighth of the float64 bytes): ``zero_one(student.sample_mask, like=np.zeros(shape))(...)``.
    The value is the bool array, or the float64 result when it is not all 0s and 1s."""
    return formed(fn, Form.zero_one(like))


def _describe_one(spec: FunctionSpec, args: tuple, kwargs: dict, unit: str) -> Callable[[], str]:
    return lambda: describe_args(spec, args, kwargs) + f"; {unit}"


def each(fn: Callable[..., Any], arglist: list[tuple]) -> list:
    """``fn(*args)`` for every args of ``arglist``: one round trip (``fn.many``) for a
    student's function, the calls one by one for a plain function (the calibration
    tests hand a grader helper the reference's own)."""
    many = getattr(fn, "many", None)
    return many(arglist) if many is not None else [fn(*args) for args in arglist]


def each_step(fn: Callable[..., Any], state: tuple, extras: list[tuple]) -> Iterator[Any]:
    """The values of ``fn`` run as a recursion on its own state: ``fn(*state, *extra)`` for
    each extra in turn, ``state = tuple(value)`` after each. One request (``fn.steps``) for
    a student's function; a plain function (the calibration tests hand a grader helper
    the reference's own) is called step by step."""
    steps = getattr(fn, "steps", None)
    if steps is not None:
        yield from steps(state, extras)
        return
    for extra in extras:
        value = fn(*state, *extra)
        yield value
        state = tuple(value)


def outcome_of(reply: Reply, info: CallInfo, chapter: Chapter, timeout: float) -> Exception | None:
    """Map a non-return reply to the check outcome the student sees."""
    if reply.kind == "return":
        return None
    call = str(info)
    if reply.kind == "raise" and reply.not_implemented:
        return NotStarted(f"{info.func} is not implemented yet (it raises NotImplementedError)", {"kind": "not_started", "call": call})
    if reply.kind == "raise":
        expected = expected_signature(chapter, info.func)
        diagnostic = {"kind": "exception", "exception": reply.type, "bases": reply.bases, "call": call, "traceback": reply.frames}
        if reply.parameters:
            diagnostic.update(parameters=reply.parameters, signature=f"{info.func}{expected}")
        return StudentError(raised_message(reply, info.func, call, expected), diagnostic, reply.stdout)
    if reply.kind == "missing":
        return CheckFailed(
            f"{chapter.filename} has no function {info.func}; keep the name and signature from the stub",
            {"kind": "missing", "quantity": info.func, "call": call},
        )
    if reply.kind == "import_error":
        tb = format_frames(reply.frames)
        return StudentError(
            f"{chapter.filename} could not be imported: {reply.type}: {exception_message(reply.message)}" + (f"\n{tb}" if tb else ""),
            {"kind": "import", "exception": reply.type, "traceback": reply.frames},
            reply.stdout,
        )
    if reply.kind == "unencodable":
        return CheckFailed(
            f"{info.func} returned something that is not plain data: {reply.detail}. "
            "Return numpy arrays, Python numbers, and tuples, lists or dicts of them.",
            {"kind": "type", "quantity": "the result", "call": call, "got": reply.detail},
            reply.stdout,
        )
    if reply.kind == "rank_timeout":  # a collective of chapter 23 that never completed, or a rank past the deadline
        return StudentTimeout(
            f"{info.func}: {reply.message}",
            {"kind": "timeout", "call": call, "rank": reply.index, "operation": reply.detail},
            reply.stdout,
        )
    if reply.kind == "rank_exit":
        return StudentError(f"{info.func}: {reply.message}", {"kind": "crash", "call": call, "rank": reply.index}, reply.stdout)
    if reply.kind == "rank_setup":
        return GraderError(f"the sandbox could not run {info.func} on several processes: {reply.message}")
    if reply.kind == "timeout":
        from .timeouts import timeout_message

        return StudentTimeout(
            timeout_message(info.func, timeout, reply.callbacks, chapter),
            {"kind": "timeout", "call": call, "limit_seconds": timeout, **({"callbacks": reply.callbacks} if reply.callbacks else {})},
        )
    if reply.kind == "crashed":
        return StudentError(f"while running {info.func}: {reply.detail}", {"kind": "crash", "call": call})
    return StudentError(f"while running {info.func}: {reply.detail}", {"kind": "protocol", "call": call})


def expected_signature(chapter: Chapter, func: str) -> str:
    """The stub's signature of ``func``, "(X: np.ndarray, ...) -> ...", or "" if undeclared."""
    owner = chapter.function_owner(func)
    return owner.function(func).signature if owner is not None else ""


def raised_message(reply: Reply, func: str, call: str = "", expected: str = "") -> str:
    """"f raised T: message" and the student's frames; for a call whose arguments do not
    fit the function's parameters (the child's ``parameters``), what to change instead of
    a frame of the grader's own code."""
    head = f"{func} raised {reply.type}: {exception_message(reply.message)}"
    if reply.parameters:
        made = f" this call's arguments, {call}" if call else " the arguments it was called with"
        return (f"{head}\n  your {func}{reply.parameters} cannot take{made}: it never started."
                + (f"\n  The exercise's signature is {func}{expected}: keep the stub's parameter names and defaults." if expected else ""))
    tb = format_frames(reply.frames)
    return head + (f"\n{tb}" if tb else "")


def exception_message(message: str) -> str:
    """An exception's message as it follows "raised T: ": its later lines behind a
    gutter, so that they cannot be read as the traceback printed after them."""
    first, *rest = str(message).split("\n")
    return "\n".join([first, *(f"  │ {line}" for line in rest)])


def format_frames(frames: list) -> str:
    lines = []
    for fname, lineno, func, text in frames:
        lines.append(f"  {fname}, line {lineno}, in {func}" + (f"\n    {text}" if text else ""))
    return "\n".join(lines)


class LiveReference:
    """The reference module, called in this (trusted) process on copies of the inputs."""

    def __init__(self, module: Any, chapter: Chapter, recorder: Any = None):
        self._module = module
        self._chapter = chapter
        self._recorder = recorder

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        fn = getattr(self._module, name, None)
        if fn is None or self._chapter.function_owner(name) is None:
            raise GraderError(f"the reference for chapter {self._chapter.number} has no declared function {name}")

        def call(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = kernels.concrete((args, kwargs))  # a draw is its array here
            a, kw = copy.deepcopy(args), copy.deepcopy(kwargs)
            try:
                with np.errstate(all="ignore"):
                    value = wire.roundtrip(fn(*a, **kw))
            except Exception as exc:
                raise GraderError(f"the reference {name} failed: {type(exc).__name__}: {exc}") from exc
            if self._recorder is not None:
                self._recorder.record(name, args, kwargs, value)
            return value

        return call


class RecordedReference:
    """The reference's answers on the public cases, recorded next to the graders."""

    def __init__(self, book: Any, chapter: Chapter, seed: int = 0):
        self._book = book
        self._chapter = chapter
        self._seed = seed

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._chapter.function_owner(name) is None:
            raise GraderError(f"chapter {self._chapter.number} declares no function {name}")

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._seed != 0:  # recordings exist for the default inputs only
                from .marks import skip

                skip(f"its expected values are recorded for the default seed only (--seed {self._seed} was given)")
            return self._book.lookup(name, *kernels.concrete((args, kwargs)))

        return call
