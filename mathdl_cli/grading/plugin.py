"""The pytest plugin behind every grader: fixtures, markers and structured results.

Graders live in ``graders/<chapter module>/test_<exercise>.py``; the file name
names the exercise. A check is a test function taking any of the fixtures

    student   the student's functions of this chapter (calls run in the child)
    ref       the reference on the same inputs (live, or recorded for students)
    tol       the exercise's tolerances (``tol.default``, ``tol["fd"]``)
    rng       a numpy Generator seeded for this check (per student when hidden)
    exercise  the exercise's metadata

and may be marked ``@pytest.mark.hidden`` (instructor grading only) and
``@pytest.mark.weight(w)`` (its share of the exercise's points; default 1).
Results are collected from the outcome objects, never from printed output.

Run by mathdl, the state comes from :mod:`mathdl_cli.grading.session`. Run by
plain ``pytest graders/...`` (course authors), the options ``--mathdl-workbook``
and ``--mathdl-mode`` build it, grading the reference by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..catalog import Exercise
from .checks import Tolerances, begin, classify_exception, exercise_of, fixture_value, in_phases, make_result, wanted
from .errors import GraderError, set_current

STATE = pytest.StashKey["Any"]()
META = pytest.StashKey[dict]()
OUTCOME = pytest.StashKey[BaseException]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mathdl")
    group.addoption("--mathdl-workbook", default=None, help="grade the chapter modules in this folder (default: the reference)")
    group.addoption("--mathdl-mode", default="instructor", choices=["student", "instructor"], help="student: public checks against recorded outputs")
    group.addoption("--mathdl-seed", type=int, default=0, help="seed of the checks' random inputs")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hidden: a check graded only by the instructor, on per-student inputs")
    config.addinivalue_line("markers", "weight(w): the check's share of the exercise's points (default 1)")


def get_state(config: pytest.Config) -> Any:
    state = config.stash.get(STATE, None)
    if state is None:
        from .session import state_from_pytest_options

        state = state_from_pytest_options(config)
        config.stash[STATE] = state
    return state


class Inject:
    """Hands a prepared state to the plugin (used by mathdl's own runs).

    It also takes each check's outcome as data, so pytest never formats a
    traceback for a failed check: mathdl reports failures its own way, and
    formatting them costs more than running most checks."""

    def __init__(self, state: Any):
        self.state = state

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[STATE] = self.state

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Any:
        try:
            return (yield)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - every outcome is recorded, none is lost
            pyfuncitem.stash[OUTCOME] = exc
            return True


def describe_items(items: list[pytest.Item]) -> None:
    """Stash each check's exercise, visibility, case number, weight and name."""
    counters: dict[str, list[int]] = {}
    for item in items:
        exercise = exercise_of(Path(item.path))
        hidden = item.get_closest_marker("hidden") is not None
        count = counters.setdefault(exercise.id, [0, 0])
        count[hidden] += 1
        case = f"h{count[1]}" if hidden else str(count[0])
        marker = item.get_closest_marker("weight")
        weight = float(marker.args[0]) if marker and marker.args else 1.0
        doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines() if hasattr(item, "function") else []
        name = doc[0].strip() if doc else item.name.removeprefix("test_").replace("_", " ")
        if "[" in item.name and doc:
            name += " [" + item.name.split("[", 1)[1]
        item.stash[META] = {"exercise": exercise, "hidden": hidden, "case": case, "weight": weight, "name": name}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    state = get_state(config)
    describe_items(items)
    kept, dropped = [], []
    for item in items:
        (kept if wanted(state, item.stash[META]) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = in_phases(kept, lambda item: item.stash[META]["hidden"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Any) -> Any:
    get_state(item.config).begin_phase(item.stash[META]["hidden"])
    begin(item.stash[META])
    try:
        return (yield)
    finally:
        set_current(None)
        _finish(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    meta = item.stash.get(META, None)
    if meta is not None and "outcomes" in meta:
        meta["outcomes"].append((call.when, call.excinfo, report))
    return report


def _classify(when: str, excinfo: Any, report: Any) -> tuple[str, str, dict | None, str]:
    """(status, message, diagnostic, output) for one failed or skipped phase."""
    exc = excinfo.value if excinfo is not None else None
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return "skipped", str(reason).removeprefix("Skipped: "), None, ""
    return classify_exception(when, exc, str(report.longrepr)[-1500:])


def _finish(item: pytest.Item) -> None:
    meta = item.stash[META]
    status, message, diag, output = "passed", "", None, ""
    captured = item.stash.get(OUTCOME, None)
    for when, excinfo, report in meta["outcomes"]:
        if report.passed and not (when == "call" and captured is not None):
            continue
        if when == "call" and captured is not None:
            status, message, diag, output = classify_exception("call", captured)
        else:
            status, message, diag, output = _classify(when, excinfo, report)
        break
    else:
        if not meta["outcomes"]:
            status, message = "internal_error", "the check did not run"
    get_state(item.config).results.append(make_result(meta, status, message, diag, output))


# -- fixtures ------------------------------------------------------------------


def _meta(request: pytest.FixtureRequest) -> dict:
    meta = request.node.stash.get(META, None)
    if meta is None:
        raise GraderError("mathdl fixtures are only available in graders/<chapter>/test_<exercise>.py")
    return meta


def _value(request: pytest.FixtureRequest, name: str) -> Any:
    return fixture_value(name, get_state(request.config), _meta(request), request.node.name)


@pytest.fixture
def exercise(request: pytest.FixtureRequest) -> Exercise:
    return _value(request, "exercise")


@pytest.fixture
def student(request: pytest.FixtureRequest) -> Any:
    return _value(request, "student")


@pytest.fixture
def ref(request: pytest.FixtureRequest) -> Any:
    return _value(request, "ref")


@pytest.fixture
def tol(request: pytest.FixtureRequest) -> Tolerances:
    return _value(request, "tol")


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> Any:
    return _value(request, "rng")
