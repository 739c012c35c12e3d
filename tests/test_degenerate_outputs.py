"""No points without work: an implementation that returns results of the right
structure, shape and dtype but no information (all zeros, or every function
returning its arguments unchanged) earns no check at all, public or
hidden. Property checks (identities, invariances, finite differences of the
student's own forward pass) pass on such results unless they are paired with a
value check or require a non-trivial magnitude; this test proves they are.

It covers the chapters whose graders were reviewed for it (issue 16)."""

from __future__ import annotations

import pytest

from support import chapter_sandbox, course, with_replaced

CHAPTERS = ("ch09", "ch10", "ch11", "ch12", "ch13", "ch14", "ch15")

# Every function of the exercise is wrapped: it runs the reference (so the result has
# the right structure) and then replaces every number by 0 ("zeros"), or returns, for
# each part of the result, an argument of the same structure ("inputs": parameters
# returned unchanged, the input passed through), zeros where no argument fits.
WRAPPER = '''
import numpy as _dg_np


def _dg_zero(v):
    if isinstance(v, _dg_np.ndarray):
        return _dg_np.zeros_like(v)
    if isinstance(v, dict):
        return {k: _dg_zero(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return type(v)(_dg_zero(x) for x in v)
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return type(v)(0)
    return v


def _dg_same_structure(a, b):
    if isinstance(b, _dg_np.ndarray):
        return isinstance(a, _dg_np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
    if isinstance(b, (tuple, list)):
        return isinstance(a, (tuple, list)) and len(a) == len(b) and all(_dg_same_structure(x, y) for x, y in zip(a, b))
    return type(a) is type(b)


def _dg_unchanged(out, args):
    for a in args:
        if _dg_same_structure(a, out):
            return a
    if isinstance(out, (tuple, list)):
        return type(out)(_dg_unchanged(x, args) for x in out)
    return _dg_zero(out)


def _dg_wrap(f, how):
    def wrapped(*args, **kwargs):
        out = f(*args, **kwargs)
        return _dg_unchanged(out, args) if how == "inputs" else _dg_zero(out)
    return wrapped
'''


def degenerate_source(chapter, how: str) -> str:
    lines = [WRAPPER]
    for ex in chapter.exercises:
        for fn in ex.functions:
            lines.append(f"{fn.name} = _dg_wrap({fn.name}, {how!r})")
    return with_replaced(chapter.module, "\n".join(lines))


@pytest.mark.parametrize("name", CHAPTERS)
def test_degenerate_results_earn_nothing(name):
    from mathdl_cli.grading.session import run_checks
    from mathdl_cli.grading.state import stable_seed

    chapter = course.chapter(name)
    earned = []
    with chapter_sandbox(chapter) as sandbox:
        for how in ("zeros", "inputs"):
            # instructor mode runs the public checks (on the same inputs as student mode) and the hidden ones
            report = run_checks(
                course, {chapter: degenerate_source(chapter, how).encode()}, mode="instructor",
                hidden_seed=lambda ex: stable_seed("degenerate", ex.id), sandbox=sandbox, fast=True,
            )
            earned += [f"{how}: {ex.id}: {c.name} [{c.case}]" for ex in report.exercises for c in ex.checks if c.status == "passed"]
    assert earned == [], "checks passed by a result without information:\n" + "\n".join(sorted(set(earned)))
