"""Run the graders of some exercises against one submission and build a Report."""

from __future__ import annotations

import contextlib
import io
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from ..catalog import Chapter, Course, Exercise, load_course, preload_for
from ..results import CheckResult, ExerciseResult, Report
from ..sandbox import Limits, Sandbox, spares
from .state import GradingState

# pytest's own plugins that grading does not use; disabling them saves time per run
_UNUSED_PLUGINS = (
    "cacheprovider", "pastebin", "junitxml", "doctest", "stepwise", "logging", "faulthandler",
    "legacypath", "debugging", "setuponly", "setupplan", "tmpdir", "monkeypatch", "recwarn",
    "nose", "python_path", "unittest", "warnings", "threadexception", "unraisableexception", "lsof",
)


def grader_files(course: Course, exercises: Iterable[Exercise]) -> list[Path]:
    files = []
    for ex in exercises:
        path = course.graders_dir / ex.chapter.module / f"test_{ex.short}.py"
        files.append(path)
    return files


def pytest_args(course: Course, files: list[Path]) -> list[str]:
    graders = course.graders_dir
    args = [str(f) for f in files]
    args += ["-q", "--tb=native", "--assert=plain", "-c", str(graders / "pytest.ini"), "--rootdir", str(graders), "--confcutdir", str(graders)]
    for name in _UNUSED_PLUGINS:
        args += ["-p", f"no:{name}"]
    return args


@contextlib.contextmanager
def _quiet_pytest() -> Any:
    """pytest prints a summary; mathdl renders its own report."""
    old = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            yield sink
    finally:
        if old is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = old


def run_checks(
    course: Course,
    modules: dict[Chapter, bytes | Path],
    *,
    mode: str = "student",
    exercises: list[Exercise] | None = None,
    case: str | None = None,
    seed: int = 0,
    hidden_seed: Callable[[Exercise], int] | None = None,
    sandbox: Sandbox | None = None,
    limits: Limits | None = None,
    target: str = "",
    time_budget: float | None = None,
    hide: list[Path] | None = None,
    zygote: bool = False,
    placed: dict[str, str] | None = None,
    fast: bool = False,
    first_failure: bool = False,
    ahead: bool = False,
) -> Report:
    """Grade the given chapter modules (source bytes or files) and return a Report.

    ``exercises`` defaults to every exercise of the given chapters. A sandbox
    passed in is reused (and left open); otherwise one is made and closed.
    ``placed`` maps chapter modules to files already in that sandbox (the
    caller started the child early); their ``modules`` entries are then unused.
    ``fast`` runs the checks without a pytest session (see fastpath), for
    callers that grade many submissions in one process. ``first_failure`` stops
    at the first check that fails (validate only needs to know that a
    mutant is caught, and by what); it applies on the fast path. ``ahead``
    is for a process grading one submission after another: this run's
    child is one started ahead (see sandbox.spares), and the next run's is
    started now.
    """
    t0 = time.perf_counter()
    own_sandbox = sandbox is None
    settings = {"limits": limits, "hide": hide, "zygote": zygote, "preload": preload_for(modules)}

    def new_sandbox() -> Sandbox:
        return spares.take(**settings) if ahead else Sandbox(**settings)

    sandbox = sandbox or new_sandbox()
    try:
        paths = dict(placed or {})
        sources = {ch: (src.read_bytes() if isinstance(src, Path) else src) for ch, src in modules.items() if ch.module not in paths}
        for chapter, data in sources.items():
            paths[chapter.module] = sandbox.add_file(chapter.filename, data, "" if own_sandbox else _fresh_folder(sandbox))
        sandbox.start()  # overlap the child's start-up with our imports
        if own_sandbox and ahead:
            spares.prepare(1, **settings)  # the next submission's child
        selected = exercises if exercises is not None else [ex for ch in modules for ex in ch.exercises]
        state = GradingState(
            course=course,
            mode=mode,
            sandbox=sandbox,
            modules=paths,
            seed=seed,
            hidden_seed=hidden_seed,
            exercises={ex.id for ex in selected},
            case=case,
            deadline=time.monotonic() + time_budget if time_budget else None,
        )
        files = [f for f in grader_files(course, selected) if f.exists()]
        checks = None
        if files and fast:
            from . import fastpath

            checks = fastpath.collect(course, files, pytest_args(course, files))
        if checks is not None:
            with _quiet_pytest():
                fastpath.run(checks, state, first_failure=first_failure)
        elif files:
            import pytest

            from .marks import forget_inert_modules
            from .plugin import Inject

            forget_inert_modules()  # graders imported without pytest: pytest must see their real marks
            with _quiet_pytest() as sink:
                code = pytest.main(pytest_args(course, files), plugins=[Inject(state)])
            if code not in (0, 1, 5):  # usage or internal error of pytest itself
                raise RuntimeError(f"the graders could not be run (pytest exit code {code}):\n{sink.getvalue()[-3000:]}")
        if mode == "record":
            state.save_recordings()
        report = build_report(selected, state.results, mode=mode, isolation=sandbox.isolation, target=target)
        report.elapsed = time.perf_counter() - t0
        return report
    finally:
        if own_sandbox:
            sandbox.close(wait=not ahead)  # a batch goes on at once: the kernel finishes the child off meanwhile


def _fresh_folder(sandbox: Sandbox) -> str:
    """Several submissions can share one sandbox (validate): each gets a folder."""
    n = 1
    while (sandbox.work / f"run{n}").exists():
        n += 1
    return f"run{n}"


def build_report(selected: list[Exercise], results: list[CheckResult], *, mode: str, isolation: str, target: str) -> Report:
    by_ex: dict[str, list[CheckResult]] = {}
    for r in results:
        by_ex.setdefault(r.exercise, []).append(r)
    exercises = []
    for ex in selected:
        er = ExerciseResult(id=ex.id, chapter=ex.chapter.number, title=ex.title, points=ex.points, checks=by_ex.get(ex.id, []))
        if not er.checks:
            er.checks.append(
                CheckResult(
                    exercise=ex.id, name="grader", case="0", visibility="public", weight=1.0, status="internal_error",
                    message=f"no checks were run for {ex.id} (its grader is missing or selected nothing)",
                )
            )
        exercises.append(er)
    return Report(mode=mode, target=target, isolation=isolation, exercises=exercises)


def state_from_pytest_options(config: Any) -> GradingState:
    """State for a plain ``pytest graders/...`` run by a course author."""
    from ..solutions import reference_source

    course = load_course()
    mode = config.getoption("--mathdl-mode")
    workbook = config.getoption("--mathdl-workbook")
    sandbox = Sandbox()
    config.add_cleanup(sandbox.close)
    paths = {}
    for chapter in course.chapters:
        if workbook:
            file = Path(workbook) / chapter.filename
            if file.exists():
                paths[chapter.module] = sandbox.add_file(chapter.filename, file.read_bytes())
        elif course.has_solutions and (course.solutions_dir / chapter.filename).exists():
            paths[chapter.module] = sandbox.add_file(chapter.filename, reference_source(course, chapter).encode())
    return GradingState(course=course, mode=mode, sandbox=sandbox, modules=paths, seed=config.getoption("--mathdl-seed"))
