"""Markers and skips for graders, without importing pytest.

Graders are pytest modules, but ``mathdl check`` and ``mathdl grade`` run them
on the fast path (see fastpath), where the checks, their parameters and their
markers come from the recorded collection: there a marker only has to leave
the function alone, and importing pytest (about a tenth of a second) would be
pure start-up cost. So graders write::

    from mathdl_cli.grading.marks import mark, skip

    @mark.hidden
    @mark.weight(2)
    @mark.parametrize("n", [1, 2])
    def test_something(student, n): ...

``mark`` is ``pytest.mark`` itself whenever pytest is loaded (a pytest session,
``mathdl record``, ``mathdl validate``'s collection) and an inert stand-in
otherwise. Modules decorated by the stand-in are remembered:
:func:`forget_inert_modules` drops them from ``sys.modules`` before pytest
collects in the same process, so pytest always imports them with real marks.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Callable, Iterator

_inert_modules: set[str] = set()


class CheckSkipped(Exception):
    """A check that cannot run yet (it builds on another exercise): graded as skipped."""


def skip(reason: str) -> None:
    """Skip the current check, with the reason shown to the student."""
    raise CheckSkipped(reason)


@contextlib.contextmanager
def prerequisite(reason: str) -> Iterator[None]:
    """Around the calls with which a check makes sure that another exercise's
    function is right before it builds on it: if that function is not (a wrong
    value, not started, an exception it raised, a crash, a timeout), the check is
    skipped with ``reason``, so that one mistake is not counted twice. A module
    that cannot be imported, or a child that broke the protocol, is reported as
    itself, never as a reason to wait for another exercise."""
    from ..import_errors import is_import_failure
    from .errors import CheckOutcome

    try:
        yield
    except CheckOutcome as exc:
        kind = (exc.diagnostic or {}).get("kind")
        if is_import_failure(exc) or kind == "protocol" or (kind == "timeout" and exc.message.startswith("importing ")):
            raise
        skip(reason)


class _InertMark:
    """``mark.<name>`` and ``mark.<name>(...)`` as decorators that change nothing."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and callable(args[0]) and not kwargs:  # used bare: @mark.hidden
            return self._apply(args[0])
        return self._apply

    @staticmethod
    def _apply(func: Callable[..., Any]) -> Callable[..., Any]:
        _inert_modules.add(getattr(func, "__module__", ""))
        return func


class _Marks:
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        pytest = sys.modules.get("pytest")
        if pytest is not None:
            return getattr(pytest.mark, name)
        return _InertMark()


mark = _Marks()


def forget_inert_modules() -> None:
    """Drop grader modules imported with inert marks, so that pytest imports them afresh."""
    for name in list(_inert_modules):
        sys.modules.pop(name, None)
    _inert_modules.clear()
