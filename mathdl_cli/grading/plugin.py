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

import time
from pathlib import Path
from typing import Any

import pytest

from ..catalog import Exercise, load_course
from ..results import CheckResult
from ..inert import clean, clean_tree, shorten
from .errors import CheckContext, CheckOutcome, GraderError, hidden_diagnostic, hidden_message, set_current

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


def exercise_of(path: Path) -> Exercise:
    course = load_course()
    chapter = course.chapter(path.parent.name)
    short = path.stem.removeprefix("test_")
    return chapter.exercise(short)


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


def wanted(state: Any, meta: dict) -> bool:
    """Whether a run grades this check (its exercise, its visibility, --case)."""
    if state.exercises is not None and meta["exercise"].id not in state.exercises:
        return False
    if meta["hidden"] and state.mode == "student":
        return False
    return state.case is None or meta["case"] == state.case


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


def in_phases(checks: list, hidden: Any) -> list:
    """Public checks first, then hidden ones (each in collection order): the
    hidden ones run in a child of their own (GradingState.begin_phase)."""
    return [c for c in checks if not hidden(c)] + [c for c in checks if hidden(c)]


def _rerun(exercise: Exercise, case: str) -> str:
    return f"mathdl check {exercise.chapter.short} {exercise.short} --case {case}"


def begin(meta: dict) -> CheckContext:
    exercise = meta["exercise"]
    ctx = CheckContext(
        exercise=exercise,
        name=meta["name"],
        case=meta["case"],
        visibility="hidden" if meta["hidden"] else "public",
        rerun=_rerun(exercise, meta["case"]),
    )
    meta["ctx"] = ctx
    meta["outcomes"] = []
    meta["t0"] = time.perf_counter()
    set_current(ctx)
    return ctx


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
    return _classify_exception(when, exc, str(report.longrepr)[-1500:])


def _classify_exception(when: str, exc: BaseException | None, longrepr: str = "") -> tuple[str, str, dict | None, str]:
    if isinstance(exc, pytest.skip.Exception):
        return "skipped", str(exc.msg if hasattr(exc, "msg") else exc), None, ""
    if isinstance(exc, CheckOutcome):
        return exc.status, exc.message, exc.diagnostic, exc.output
    if isinstance(exc, AssertionError) and when == "call":
        return "failed", str(exc) or "a check in the grader failed", {"kind": "property"}, ""
    internal = {"kind": "internal", "exception": type(exc).__name__, "where": _grader_frame(exc)} if exc is not None else {"kind": "internal"}
    if isinstance(exc, GraderError):
        return "internal_error", f"grader error (not your fault; tell your instructor): {exc}", internal, ""
    text = f"{type(exc).__name__}: {exc}" if exc is not None else longrepr
    where = f" during {when}" if when != "call" else ""
    return "internal_error", f"grader error{where} (not your fault; tell your instructor): {text}", internal, ""


def _grader_frame(exc: BaseException) -> str:
    """Where in the graders (or mathdl) an exception was raised: "test_ridge.py:42"."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if "/graders/" in frame.filename or "/mathdl_cli/" in frame.filename:
            return f"{Path(frame.filename).name}:{frame.lineno}"
    return ""


def _finish(item: pytest.Item) -> None:
    meta = item.stash[META]
    status, message, diag, output = "passed", "", None, ""
    captured = item.stash.get(OUTCOME, None)
    for when, excinfo, report in meta["outcomes"]:
        if report.passed and not (when == "call" and captured is not None):
            continue
        if when == "call" and captured is not None:
            status, message, diag, output = _classify_exception("call", captured)
        else:
            status, message, diag, output = _classify(when, excinfo, report)
        break
    else:
        if not meta["outcomes"]:
            status, message = "internal_error", "the check did not run"
    get_state(item.config).results.append(make_result(meta, status, message, diag, output))


MAX_MESSAGE = 8000
MAX_PRINTED = 4000


def make_result(meta: dict, status: str, message: str, diag: dict | None, output: str) -> CheckResult:
    """The check's result, as every report shows it. Text from student code is
    cleaned of control sequences. A hidden check keeps only fixed text, the
    quantity and a built-in exception's name: nothing the student printed,
    raised or returned during it (see errors.hidden_message)."""
    ctx: CheckContext = meta["ctx"]
    hidden = ctx.hidden
    original_message = message
    if hidden:
        func = ctx.last_call.func if ctx.last_call else None
        diagnostic = hidden_diagnostic(diag, func) if status != "passed" else None
        message = hidden_message(status, diagnostic or ({"function": func} if func else None)) if status != "passed" else ""
        if status == "internal_error" and (diag or {}).get("exception") == "SandboxError":
            # a child that could not start ran no student code: the grader's own
            # explanation (what failed, how to fix the machine) holds no hidden input
            message += "\n" + shorten(clean(original_message), 2000)
        printed, warnings = "", []
    else:
        diagnostic = clean_tree({**diag, "call": diag.get("call") or (str(ctx.last_call) if ctx.last_call else None)}) if diag else None
        message = shorten(clean(message), MAX_MESSAGE)
        printed = shorten(clean("\n".join(o for o in ctx.outputs if o) or output), MAX_PRINTED, keep="tail")
        warnings = [clean(w)[:300] for w in sorted(set(ctx.warnings))[:5]]
    return CheckResult(
        exercise=ctx.exercise.id,
        name=ctx.name,
        case=ctx.case,
        visibility=ctx.visibility,
        weight=meta["weight"],
        status=status,
        message=message,
        rerun=ctx.rerun if status not in ("passed", "skipped") and not hidden else "",
        output=printed,
        warnings=warnings,
        diagnostic=diagnostic,
        duration=time.perf_counter() - meta["t0"],
    )


# -- fixtures ------------------------------------------------------------------


def _meta(request: pytest.FixtureRequest) -> dict:
    meta = request.node.stash.get(META, None)
    if meta is None:
        raise GraderError("mathdl fixtures are only available in graders/<chapter>/test_<exercise>.py")
    return meta


def fixture_value(name: str, state: Any, meta: dict, check: str) -> Any:
    """The value of one of mathdl's fixtures for a check (shared with the fast path)."""
    exercise = meta["exercise"]
    if name == "exercise":
        return exercise
    if name == "student":
        from .proxies import StudentProxy

        return StudentProxy(state, exercise.chapter)
    if name == "ref":
        if meta["hidden"] and state.mode == "student":
            raise GraderError("hidden checks need the reference")
        return state.reference(exercise.chapter, check, exercise, hidden=meta["hidden"])
    if name == "tol":
        return Tolerances(exercise)
    if name == "rng":
        return state.rng_for(exercise, check, meta["hidden"])
    raise KeyError(name)


FIXTURES = ("student", "ref", "tol", "rng", "exercise")


class Tolerances:
    """The exercise's tolerance sets: ``tol.default``, ``tol["fd"]``."""

    def __init__(self, exercise: Exercise):
        self._exercise = exercise

    def __getitem__(self, name: str) -> Any:
        value = self._exercise.tolerances.get(name)
        if value is None:
            raise GraderError(f"{self._exercise.id} has no tolerance set {name!r} in its chapter.yaml")
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]


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
