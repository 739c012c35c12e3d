"""Outcomes a check can raise, and the per-check context the helpers read."""

from __future__ import annotations

import builtins as _builtins
import contextvars
from dataclasses import dataclass, field
from typing import Any


class CheckOutcome(Exception):
    """Base of the exceptions that end a check with a verdict other than passed."""

    status = "failed"

    def __init__(self, message: str, diagnostic: dict[str, Any] | None = None, output: str = ""):
        super().__init__(message)
        self.message = message
        self.diagnostic = diagnostic or {}
        self.output = output


class CheckFailed(CheckOutcome):
    """The student's result is wrong (type, structure, shape, dtype, values, property)."""

    status = "failed"


class NotStarted(CheckOutcome):
    """The student's function still raises NotImplementedError."""

    status = "not_started"


class StudentError(CheckOutcome):
    """The student's code raised, failed to import or crashed its process."""

    status = "error"


class StudentTimeout(CheckOutcome):
    """The student's code did not answer in time (and was killed)."""

    status = "timeout"


class GraderError(Exception):
    """The grader or its recorded data is broken: never the student's fault."""


class CallInfo:
    """A student call, described (with argument shapes) only when a message needs it."""

    def __init__(self, func: str, describe: Any):
        self.func = func
        self._describe = describe
        self._args: str | None = None

    @property
    def args(self) -> str:  # e.g. "X=(4, 5), Y=(4, 2), activation='tanh'"
        if self._args is None:
            self._args = self._describe()
        return self._args

    def __str__(self) -> str:
        return f"{self.func}({self.args})"


@dataclass
class CheckContext:
    exercise: Any  # catalog.Exercise
    name: str
    case: str
    visibility: str
    rerun: str
    calls: list[CallInfo] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # the student call that returned each value (one call of a batch too), by the
    # value's identity (the value is kept, so its id is not reused during the check)
    origins: dict[int, tuple[Any, CallInfo]] = field(default_factory=dict)

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"

    @property
    def last_call(self) -> CallInfo | None:
        return self.calls[-1] if self.calls else None

    def call_of(self, value: Any) -> CallInfo | None:
        """The call that returned ``value`` when it is a student call's result (or an
        item of one) unchanged, else the last call."""
        origin = self.origins.get(id(value))
        if origin is not None and origin[0] is value:
            return origin[1]
        return self.last_call


_current: contextvars.ContextVar[CheckContext | None] = contextvars.ContextVar("mathdl_check", default=None)


def current() -> CheckContext | None:
    return _current.get()


def set_current(ctx: CheckContext | None) -> None:
    _current.set(ctx)


# -- what a hidden check may say ---------------------------------------------------
#
# A hidden check's inputs are the instructor's and the student's output on them
# is the student's to choose: anything derived from either (values, indices,
# errors, argument shapes, exception messages, printed output, warnings) could
# carry a hidden input out. A hidden check therefore says only fixed text, the
# quantity the grader named, and the name of a built-in exception.

BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(_builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)


def hidden_diagnostic(diagnostic: dict[str, Any] | None, function: str | None = None) -> dict[str, Any] | None:
    """The part of a hidden check's diagnostic that may be reported."""
    if not diagnostic:
        return None
    out: dict[str, Any] = {"kind": str(diagnostic.get("kind", ""))[:40]}
    for key in ("quantity", "where"):
        if isinstance(diagnostic.get(key), str):
            out[key] = diagnostic[key][:200]
    if diagnostic.get("exception") in BUILTIN_EXCEPTIONS:
        out["exception"] = diagnostic["exception"]
    name = function or diagnostic.get("function")
    if isinstance(name, str) and name.isidentifier():
        out["function"] = name
    return out


def hidden_message(status: str, diagnostic: dict[str, Any] | None) -> str:
    """The fixed message of a hidden check that did not pass, from its reported
    diagnostic (see :func:`hidden_diagnostic`)."""
    diag = diagnostic or {}
    func = diag.get("function") or "your code"
    kind = diag.get("kind")
    not_shown = "(details of hidden cases are not shown)"
    if status == "failed":
        return f"{diag.get('quantity') or 'the result'}: wrong on a hidden case {not_shown}"
    if status == "error":
        if kind == "exception":
            return f"{func} raised {diag.get('exception', 'an exception')} on a hidden case {not_shown}"
        if kind == "import":
            return f"the module could not be imported {not_shown}"
        if kind == "crash":
            return f"the process running {func} stopped during a hidden case {not_shown}"
        return f"{func} failed on a hidden case {not_shown}"
    if status == "timeout":
        return f"{func} did not finish in time on a hidden case {not_shown}"
    if status == "not_started":
        return f"{func} is not implemented yet (it raises NotImplementedError)"
    if status == "internal_error":
        where = f": {diag['exception'] if 'exception' in diag else 'an error'} in {diag['where']}" if diag.get("where") else ""
        return f"grader error on a hidden case (not your fault; tell your instructor){where}"
    if status == "skipped":
        return "skipped"
    return ""
