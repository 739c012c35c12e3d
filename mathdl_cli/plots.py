"""Plots where looking beats reading: the student's curve beside the expected
one or the theoretical bound, as PNGs in the workbook's ``plots/`` folder.

A chapter adds plots without touching this engine: its grader folder may hold
``_plots.py`` with a dict ``PLOTS`` from an exercise's short id to a hook
``hook(student, rng) -> Drawn``. ``student.f(...)`` calls the student's
function in the sandboxed child (as in a grader; a failure raises
:class:`PlotError` with the reason); ``rng`` is a generator with a fixed public
seed. Hooks draw public inputs only, and compute what is expected from closed
forms or theory in this process, so a plot never reveals a hidden case.

matplotlib (the ``plots`` extra) is imported only here, with the Agg backend.
"""

from __future__ import annotations

import importlib
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .catalog import Chapter, Course, Exercise

PLOT_SEED = 20250  # public: the same inputs for every student
PLOTS_DIR = "plots"
CALL_TIMEOUT = 60.0


class PlotError(Exception):
    """The student's function could not produce a curve (the reason is the message)."""


class MissingMatplotlib(RuntimeError):
    pass


@dataclass
class Drawn:
    """What a hook returns: the figure, and the student's curves (for tests and --json)."""

    fig: Any
    yours: dict[str, np.ndarray] = field(default_factory=dict)
    legend: list[str] = field(default_factory=list)


@dataclass
class Plotted:
    exercise: str
    path: Path | None = None
    legend: list[str] = field(default_factory=list)
    error: str = ""
    yours: dict[str, np.ndarray] = field(default_factory=dict)

    def to_json(self) -> dict:
        doc = {"exercise": self.exercise, "path": str(self.path) if self.path else None, "legend": self.legend}
        if self.error:
            doc["error"] = self.error
        return doc


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed)."""
    try:
        import matplotlib
    except ImportError:
        raise MissingMatplotlib('plots need matplotlib: pip install "mathdl[plots]"') from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def figure(title: str, xlabel: str, ylabel: str, *, xscale: str = "linear", yscale: str = "linear"):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100, layout="constrained")
    ax.set_title(title, fontsize=11)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xscale(xscale)
    ax.set_yscale(yscale)
    ax.grid(True, alpha=0.3)
    return fig, ax


def fitted_factor(errors: np.ndarray) -> float:
    """The per-step contraction factor q of errors ≈ C q^k (least squares on log)."""
    e = np.asarray(errors, dtype=float)
    k = np.arange(len(e))
    ok = np.isfinite(e) & (e > 1e-14 * max(float(np.nanmax(np.abs(e))), 1e-300))
    if ok.sum() < 2:
        return math.nan
    return float(np.exp(np.polyfit(k[ok], np.log(e[ok]), 1)[0]))


def fitted_slope(x: np.ndarray, y: np.ndarray) -> float:
    """The slope p of y ≈ C x^p on a log-log plot."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(y) & (y > 0) & (x > 0)
    if ok.sum() < 2:
        return math.nan
    return float(np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)[0])


def positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros and non-finite values are left out of the line."""
    v = np.asarray(values, dtype=float).copy()
    v[~np.isfinite(v) | (v <= 0)] = np.nan
    return v


class Student:
    """``student.f(...)``: the student's function, called in the sandboxed child."""

    def __init__(self, sandbox: Any, module: str, chapter: Chapter):
        self._sandbox, self._module, self._chapter = sandbox, module, chapter

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            from .grading.proxies import exception_message, expected_signature, format_frames, raised_message

            reply = self._sandbox.call(self._module, name, list(args), dict(kwargs), timeout=CALL_TIMEOUT)
            if reply.kind == "return":
                return reply.value
            if reply.kind == "raise" and reply.not_implemented:
                raise PlotError(f"{name} is not implemented yet")
            if reply.kind == "raise":
                raise PlotError(raised_message(reply, name, expected=expected_signature(self._chapter, name)))
            if reply.kind == "import_error":
                raise PlotError(f"{self._chapter.filename} could not be imported: {reply.type}: {exception_message(reply.message)}\n{format_frames(reply.frames)}".rstrip())
            if reply.kind == "missing":
                raise PlotError(f"{self._chapter.filename} has no function {name}")
            raise PlotError(f"{name}: {reply.kind} {reply.detail}".strip())

        return call


def hooks(course: Course, chapter: Chapter) -> dict[str, Callable]:
    """The chapter's plot hooks (exercise short id -> hook), from graders/<chapter>/_plots.py."""
    if not (course.graders_dir / chapter.module / "_plots.py").is_file():
        return {}
    folder = str(course.graders_dir)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = importlib.import_module(f"{chapter.module}._plots")
    return dict(getattr(module, "PLOTS", {}))


def plottable(course: Course, exercises: list[Exercise]) -> list[Exercise]:
    found = []
    for ex in exercises:
        if ex.short in hooks(course, ex.chapter):
            found.append(ex)
    return found


def as_array(value: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise PlotError(f"{name} did not return numbers") from None
    return arr


def render(course: Course, sources: dict[Chapter, bytes], exercises: list[Exercise], out_dir: Path) -> list[Plotted]:
    """Draw each exercise that has a hook into ``out_dir/<exercise id>.png``."""
    from .checking import student_sandbox

    wanted = plottable(course, exercises)
    if not wanted:
        return []
    pyplot()  # fail early, before a child is started, when matplotlib is missing
    sandbox = student_sandbox(start=False)
    placed = {ch.module: sandbox.add_file(ch.filename, data) for ch, data in sources.items()}
    sandbox.start()
    results = []
    try:
        for ex in wanted:
            hook = hooks(course, ex.chapter)[ex.short]
            student = Student(sandbox, placed[ex.chapter.module], ex.chapter)
            rng = np.random.default_rng([PLOT_SEED, ex.chapter.number])
            try:
                drawn = hook(student, rng)
            except PlotError as exc:
                results.append(Plotted(ex.id, error=str(exc)))
                continue
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / f"{ex.id}.png"
            tmp = path.with_name(path.name + ".tmp.png")
            drawn.fig.savefig(tmp, format="png")
            pyplot().close(drawn.fig)
            tmp.replace(path)
            results.append(Plotted(ex.id, path, drawn.legend, yours=drawn.yours))
    finally:
        sandbox.close()
    return results
