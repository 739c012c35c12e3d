"""Run a grader's check function in this process on a module (the reference or a
mutant), for calibration sweeps: the check's own code on many seeds, without a
sandbox or a pytest session.

    from check_runner import check_passes
    ok, message = check_passes("ch18", "robbins_monro_rate", "test_hidden_rate", ref, seed=3)

The module stands in for the student: calls get deep-copied arguments and return
what the wire would deliver; ``.many`` and ``errstate`` behave as in a grading run.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import sys
from typing import Any

import numpy as np

from mathdl_cli import kernels, wire
from mathdl_cli.grading.errors import CheckContext, CheckOutcome, set_current
from mathdl_cli.grading.plugin import Tolerances
from support import course


class AsStudent:
    """A module called the way graders call student code."""

    def __init__(self, module: Any):
        self._module = module
        self._errstate: str | None = None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        fn = getattr(self._module, name)

        def call(*args, **kwargs):
            a, kw = copy.deepcopy(kernels.concrete((args, kwargs)))  # a draw arrives as its array
            with np.errstate(all=self._errstate, under="ignore") if self._errstate else contextlib.nullcontext():
                return wire.roundtrip(fn(*a, **kw))

        call.many = lambda arglist, **kw: [call(*a, **kw) for a in arglist]  # type: ignore[attr-defined]
        return call

    @contextlib.contextmanager
    def errstate(self, mode: str = "raise"):
        old, self._errstate = self._errstate, mode
        try:
            yield
        finally:
            self._errstate = old


def grader_module(chapter: str, exercise: str):
    """graders/<chapter module>/test_<exercise>.py, imported as the graders import it."""
    folder = str(course.graders_dir)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(f"{course.chapter(chapter).module}.test_{exercise}")


def check_passes(chapter: str, exercise: str, check: str, module: Any, seed: int, **params) -> tuple[bool, str]:
    """(passed, failure message) of one check function on ``module`` with rng seed ``seed``.
    ``params`` fill the check's other arguments (``trial``, ``p``, ...)."""
    ex = course.chapter(chapter).exercise(exercise)
    fn = getattr(grader_module(chapter, exercise), check)
    names = fn.__code__.co_varnames[: fn.__code__.co_argcount]
    fixtures = {"student": AsStudent(module), "rng": np.random.default_rng(seed), "tol": Tolerances(ex), "exercise": ex}
    kwargs = {n: fixtures[n] if n in fixtures else params[n] for n in names if n != "ref"}
    if "ref" in names:
        kwargs["ref"] = AsStudent(importlib.import_module("support").reference(chapter))
    set_current(CheckContext(exercise=ex, name=check, case="calibration", visibility="hidden", rerun=""))
    try:
        fn(**kwargs)
    except CheckOutcome as exc:  # a failed property or comparison (exceptions of the module propagate)
        return False, exc.message
    finally:
        set_current(None)
    return True, ""
