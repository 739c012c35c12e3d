"""Grader for ch20.feature_learning_vs_lazy (relative_movement): against the
reference and the definition; 0 for unmoved weights; batches of networks; and the
two regimes on the student's own train_mf: the movement is flat in N for γ = 1
(features are learned) and falls like N^{-1/2} for γ = ½ (lazy training)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark, prerequisite

from ._helpers import FL_R, FL_WIDTHS, feature_calls, feature_case, gaussian_nets, movement_slopes, unit_rows


def _train_mf_is_right(student, ref, rng):
    """train_mf must be right (on a small case, γ = 1 and ½) before it is used here."""
    c0, W0 = gaussian_nets(rng, 2, 6, 2)
    X = unit_rows(rng, 4, 2)
    y, idx = rng.standard_normal(4), rng.integers(0, 4, 12).astype(np.int64)
    with prerequisite("this check trains networks with your train_mf; it runs once ch20.lln_convergence's train_mf is correct"):
        for gamma in (1.0, 0.5):
            expect.close(student.train_mf(c0, W0, X, y, idx, 1.0, 2.0, "tanh", gamma), ref.train_mf(c0, W0, X, y, idx, 1.0, 2.0, "tanh", gamma),
                         expect.Tol(1e-10, 1e-12))


def _regimes_check(student, ref, rng, tol, hidden):
    """The two fitted slopes have s.d. 0.024 (public) and 0.022 (hidden parameters) over the
    reference's seeds (bench/calibrate_wide_networks.py, 200 seeds each, no failure): the
    window ±0.15 is at least 6.3 s.d. from the mean, FFP ≈ 3e-10 per slope (normal fit)."""
    _train_mf_is_right(student, ref, rng)
    case = feature_case(rng, hidden)
    calls = feature_calls(case)
    trained = student.train_mf.many(calls)
    pairs = [(a[1], expect.like(out, (a[0], a[1]))[1]) for out, a in zip(trained, calls)]
    moves = [float(expect.like(m, 0.0)) for m in student.relative_movement.many(pairs)]
    s_mf, s_lazy = movement_slopes(moves)
    k = len(FL_WIDTHS)
    table = "\n".join(f"  N = {N:>3} ({R:>2} networks): γ = 1: {a:.4g}   γ = ½: {b:.4g}" for N, R, a, b in zip(FL_WIDTHS, FL_R, moves[:k], moves[k:]))
    band = tol.slopes["tol"]
    for gamma, slope, want, regime in ((1.0, s_mf, 0.0, "mean-field: features are learned, each neuron moves by O(1)"),
                                       (0.5, s_lazy, -0.5, "lazy (NTK): each neuron moves by O(N^{-1/2})")):
        expect.that(
            abs(slope - want) <= band,
            f"{regime}: the log-log slope of the relative movement in N must be {want:g} ± {band:g} for γ = {gamma:g}",
            quantity=f"relative movement of the hidden weights, γ = {gamma:g}",
            detail=f"fitted slope {slope:.3f}; relative movement (your relative_movement of your train_mf, t = 1):\n{table}",
        )


def test_small(student, ref, rng):
    """N = 5 particles in d = 3"""
    W0 = rng.standard_normal((5, 3))
    WT = W0 + 0.3 * rng.standard_normal((5, 3))
    expect.close(student.relative_movement(W0, WT), ref.relative_movement(W0, WT))


def test_definition(student, rng):
    """mean_i ‖w_T^i - w_0^i‖ / mean_i ‖w_0^i‖, a ratio of means (N = 4 particles of very different sizes)"""
    W0 = rng.standard_normal((4, 2)) * np.array([[0.1], [1.0], [3.0], [10.0]])
    WT = W0 + rng.standard_normal((4, 2))
    want = float(np.mean(np.sqrt(np.sum((WT - W0) ** 2, axis=1))) / np.mean(np.sqrt(np.sum(W0**2, axis=1))))
    expect.close(student.relative_movement(W0, WT), want,
                 detail="norms per particle (over the last axis), then the mean over particles of each, then the ratio")


def test_unmoved(student, rng):
    """WT = W0 gives 0"""
    W0 = rng.standard_normal((6, 3))
    expect.close(student.relative_movement(W0, W0.copy()), 0.0)


def test_batch_shape(student, ref, rng):
    """W0 of shape (R, N, d) = (3, 5, 2): the means run over all 15 particles"""
    W0 = rng.standard_normal((3, 5, 2))
    WT = W0 + rng.standard_normal((3, 5, 2)) * np.array([0.1, 1.0, 2.0])[:, None, None]
    expect.close(student.relative_movement(W0, WT), ref.relative_movement(W0, WT))


def test_two_regimes(student, ref, rng, tol):
    """[theory] your train_mf for N = 50, 200, 800: movement slope 0 for γ = 1 (feature learning), -½ for γ = ½ (lazy)"""
    _regimes_check(student, ref, rng, tol, hidden=False)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random shapes: one particle, one coordinate, batches"""
    shape = [(1, int(rng.integers(1, 5))), (int(rng.integers(2, 30)), 1), (int(rng.integers(2, 5)), int(rng.integers(2, 30)), int(rng.integers(1, 5)))][trial]
    W0 = rng.standard_normal(shape) * float(rng.uniform(0.1, 5.0))
    WT = W0 + rng.standard_normal(shape) * float(rng.uniform(0.01, 3.0))
    expect.close(student.relative_movement(W0, WT), ref.relative_movement(W0, WT))


@mark.hidden
@mark.weight(2)
def test_hidden_two_regimes(student, ref, rng, tol):
    """[theory] the two regimes with random d and α"""
    _regimes_check(student, ref, rng, tol, hidden=True)
