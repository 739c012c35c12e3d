"""Run collected graders directly: no pytest session per submission.

Batch grading and validation run the same checks against many submissions. A
pytest session per submission (configuration, plugins, collection, reports)
costs more than most submissions' checks. Here pytest collects the graders once
per process; each check function is then called with the values of mathdl's
fixtures (``student``, ``ref``, ``tol``, ``rng``, ``exercise``) and its
parameters, and its outcome becomes a result through the plugin's own code.
Graders that use any other fixture run through pytest as usual.
``tests/test_fastpath.py`` proves both paths give the same results.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from ..catalog import Course
from . import plugin
from .errors import set_current

_collected: dict[tuple, list[pytest.Function] | None] = {}


class _Grab:
    def __init__(self) -> None:
        self.items: list[pytest.Item] = []

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = list(session.items)


def collect(course: Course, files: list[Path], args: list[str]) -> list[pytest.Function] | None:
    """The check items of these grader files, or None if some check needs a
    fixture the fast path does not provide. Cached per process."""
    key = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    if key in _collected:
        return _collected[key]
    from .state import GradingState

    state = GradingState(course=course, mode="instructor", sandbox=None, modules={})  # type: ignore[arg-type]
    grab = _Grab()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = pytest.main([*args, "--collect-only"], plugins=[plugin.Inject(state), grab])
    items: list[pytest.Function] | None = [i for i in grab.items if isinstance(i, pytest.Function)]
    if code not in (0, 5) or len(items) != len(grab.items):
        items = None
    else:
        for item in items:
            params = getattr(getattr(item, "callspec", None), "params", {})
            wanted = _argnames(item)
            # pytest adds "request" for our own fixtures; anything else (an autouse
            # fixture, a fixture of the grader's) needs pytest's machinery
            extra = set(item.fixturenames) - set(wanted) - {"request"}
            if extra or any(name not in plugin.FIXTURES and name not in params for name in wanted):
                items = None
                break
    _collected[key] = items
    return items


def _argnames(item: pytest.Function) -> list[str]:
    import inspect

    return list(inspect.signature(item.obj).parameters)


def run(items: list[pytest.Function], state: Any) -> None:
    """Run the selected checks against the state's submission; results go to state.results."""
    for item in items:
        meta = dict(item.stash[plugin.META])
        if not plugin.wanted(state, meta):
            continue
        plugin.begin(meta)
        outcome: BaseException | None = None
        try:
            params = getattr(getattr(item, "callspec", None), "params", {})
            kwargs = {
                name: params[name] if name in params else plugin.fixture_value(name, state, meta, item.name)
                for name in _argnames(item)
            }
            item.obj(**kwargs)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - every outcome becomes a result
            outcome = exc
        finally:
            set_current(None)
        if outcome is None:
            verdict = ("passed", "", None, "")
        else:
            verdict = plugin._classify_exception("call", outcome)
        state.results.append(plugin.make_result(meta, *verdict))
