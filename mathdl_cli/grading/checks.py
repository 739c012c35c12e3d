"""What a check is, without pytest: which checks a run grades, their context,
their outcome as a result, and the values of mathdl's fixtures.

Shared by the pytest plugin (:mod:`.plugin`, for pytest sessions) and the fast
path (:mod:`.fastpath`, which ``mathdl check`` and ``mathdl grade`` use and
which never imports pytest).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from ..catalog import Exercise, load_course
from ..inert import clean, clean_tree, shorten
from ..results import CheckResult
from .errors import CheckContext, CheckOutcome, GraderError, hidden_diagnostic, hidden_message, set_current
from .marks import CheckSkipped


def exercise_of(path: Path) -> Exercise:
    course = load_course()
    chapter = course.chapter(path.parent.name)
    short = path.stem.removeprefix("test_")
    return chapter.exercise(short)


def wanted(state: Any, meta: dict) -> bool:
    """Whether a run grades this check (its exercise, its visibility, --case)."""
    if state.exercises is not None and meta["exercise"].id not in state.exercises:
        return False
    if meta["hidden"] and state.mode == "student":
        return False
    return state.case is None or meta["case"] == state.case


def in_phases(checks: list, hidden: Any) -> list:
    """Public checks first, then hidden ones (each in collection order): no
    hidden input reaches the child before every public check is done
    (GradingState.begin_phase)."""
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


def classify_exception(when: str, exc: BaseException | None, longrepr: str = "") -> tuple[str, str, dict | None, str]:
    if isinstance(exc, CheckSkipped):
        return "skipped", str(exc), None, ""
    pytest = sys.modules.get("pytest")  # a course author's grader may still call pytest.skip
    if pytest is not None and isinstance(exc, pytest.skip.Exception):
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
