"""Outcomes a check can raise, and the per-check context the helpers read."""

from __future__ import annotations

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

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"

    @property
    def last_call(self) -> CallInfo | None:
        return self.calls[-1] if self.calls else None


_current: contextvars.ContextVar[CheckContext | None] = contextvars.ContextVar("mathdl_check", default=None)


def current() -> CheckContext | None:
    return _current.get()


def set_current(ctx: CheckContext | None) -> None:
    _current.set(ctx)
