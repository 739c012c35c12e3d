"""Grader for ch11.early_stopping: literal answers for hand-built curves
(worked out by hand from the rule in the docstring), then random curves
against the reference together with properties of the answer."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import CASES, rescaled


def _pair(got):
    """The result is a pair of ints (expect.like would compare int values, so check by hand)."""
    ok = isinstance(got, (tuple, list)) and len(got) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in got)
    expect.that(ok, "early_stopping must return a tuple (best_epoch, stop_epoch) of two Python ints", quantity="the result", detail=f"got {got!r}"[:200])
    return tuple(got)


@mark.parametrize("case", range(len(CASES)), ids=[c[0].replace(" ", "-").replace(",", "") for c in CASES])
def test_hand_built(student, rng, case):
    """hand-built curve (shifted and rescaled by a power of 2, which changes nothing)"""
    name, curves = CASES[case]
    cases = [(*rescaled(rng, losses, min_delta), patience, want) for losses, patience, min_delta, want in curves]
    outs = student.early_stopping.many([(losses, patience, min_delta) for losses, min_delta, patience, _ in cases])  # one round trip
    for out, (losses, min_delta, patience, want) in zip(outs, cases):
        got = _pair(out)
        expect.that(
            tuple(got) == want,
            f"on the curve '{name}' the answer is {want}",
            quantity="(best_epoch, stop_epoch)",
            detail=f"val_losses = {losses.tolist()}, patience = {patience}, min_delta = {min_delta}: got {tuple(got)}",
        )


def _curve(rng, T, ties):
    """A validation curve that falls, flattens and rises, with noise."""
    t = np.arange(T)
    trend = 1.0 / (1.0 + 0.3 * t) + 0.002 * t
    noisy = trend + float(rng.uniform(0.0, 0.05)) * rng.standard_normal(T)
    return np.round(noisy, 1) if ties else noisy


def _properties(losses, patience, min_delta, got):
    best, stop = got
    T = len(losses)
    expect.that(0 <= best <= stop <= T - 1, "0 ≤ best_epoch ≤ stop_epoch ≤ T - 1", quantity="(best_epoch, stop_epoch)", detail=f"got {got} with T = {T}")
    if stop < T - 1:
        expect.that(
            stop - best == max(patience, 1),
            "training stops exactly max(patience, 1) epochs after the last improvement",
            quantity="stop_epoch",
            detail=f"patience {patience}, best_epoch {best}, stop_epoch {stop}",
        )
    earlier = losses[: best + 1]
    expect.that(
        losses[best] <= earlier.min(),
        "the best epoch has the lowest loss of all epochs up to it",
        quantity="best_epoch",
        detail=f"loss at best_epoch {best} is {losses[best]:.6g}, but an earlier epoch has {earlier.min():.6g}",
    )


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random noisy curves, patience 0..6, min_delta 0 or small, with and without exact ties"""
    T = int(rng.integers(1, 40))
    losses = _curve(rng, T, ties=trial % 2 == 1)
    patience = int(rng.integers(0, 7))
    min_delta = 0.0 if trial < 2 else float(rng.uniform(0.0, 0.05))
    got = student.early_stopping(losses, patience, min_delta)
    expect.equal(got, ref.early_stopping(losses, patience, min_delta))
    _properties(losses, patience, min_delta, got)


@mark.hidden
def test_hidden_exact_thresholds(student, ref, rng):
    """curves on a grid of eighths with min_delta = 1/8 or 1/4: many decreases of exactly min_delta (not improvements)"""
    cases = []
    for patience in (0, 1, 3):
        T = int(rng.integers(6, 20))
        losses = np.cumsum(rng.choice([-0.25, -0.125, 0.0, 0.125], T)) + 4.0  # exact in binary
        min_delta = float(rng.choice([0.125, 0.25]))
        cases.append((losses, patience, min_delta))
    for got, (losses, patience, min_delta) in zip(student.early_stopping.many(cases), cases):  # one round trip
        expect.equal(got, ref.early_stopping(losses, patience, min_delta))


@mark.hidden
def test_hidden_plateau(student, ref, rng):
    """a long exact plateau after a drop"""
    k = int(rng.integers(2, 6))
    losses = np.concatenate([np.linspace(2.0, 1.0, k), np.ones(12)])
    patiences = (0, 1, 4)
    for got, patience in zip(student.early_stopping.many([(losses, patience) for patience in patiences]), patiences):  # one round trip
        expect.equal(got, ref.early_stopping(losses, patience))
