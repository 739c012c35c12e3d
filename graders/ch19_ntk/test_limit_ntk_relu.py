"""Grader for ch19.limit_ntk_relu: against the reference; the pinned values A(x, x) =
‖x‖², A(x, -x) = 0, A(x, x') = ‖x‖‖x'‖/(2π) for orthogonal inputs, A(x, s x) = s‖x‖²,
A(0, x') = 0, on inputs whose computed cosine leaves [-1, 1]; and, statistically,
against Monte Carlo over 2·10⁴ Gaussian neurons (an integral independent of the
closed form)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import cos_outside, relu_kernel_mc, unit_rows

MC_SAMPLES = 20_000


def _mc_check(student, rng, tol, X1, X2):
    """Every entry of the student's A within tol.stat["z"] = 6 Monte Carlo standard errors.

    The estimate averages 2·10⁴ i.i.d. terms with finite fourth moments, so each
    z-score is N(0, 1) to a good approximation (CLT): P(|z| > 6) ≈ 2.0e-9 per entry,
    ≤ 30 entries here, so the false-failure probability is ≤ 6e-8 (Bonferroni).
    tests/oracles/test_ch19_ntk.py runs this statistic on the reference over 200 seeds
    (the z-scores look standard normal) and shows that the catalog's bugs (π - φ
    replaced by φ, the order-0 term missing) fail it on every seed."""
    W = rng.standard_normal((MC_SAMPLES, X1.shape[1]))
    mean, se = relu_kernel_mc(X1, X2, W)
    got = expect.like(student.limit_ntk_relu(X1, X2), mean)
    z = (got - mean) / se
    a, b = np.unravel_index(int(np.argmax(np.abs(z))), z.shape)
    expect.that(
        bool(np.all(np.abs(z) <= tol.stat["z"])),
        f"A must be E[ReLU(w·x)ReLU(w·x')] + E[1{{w·x>0}}1{{w·x'>0}}] x·x' (within {tol.stat['z']:g} Monte Carlo standard errors)",
        quantity="A(X1, X2)",
        detail=f"worst entry ({a}, {b}): yours {got[a, b]:.6g}, Monte Carlo over {MC_SAMPLES} Gaussian neurons "
        f"{mean[a, b]:.6g} ± {se[a, b]:.2g} (z = {z[a, b]:.3g})",
    )


def test_small(student, ref, rng):
    """4 × 3 random pairs in d = 3 (norms between 0.5 and 2)"""
    X1 = rng.standard_normal((4, 3)) * rng.uniform(0.5, 2.0, (4, 1))
    X2 = rng.standard_normal((3, 3)) * rng.uniform(0.5, 2.0, (3, 1))
    expect.close(student.limit_ntk_relu(X1, X2), ref.limit_ntk_relu(X1, X2))


def test_diagonal(student, rng):
    """A(x, x) = ‖x‖², on inputs whose computed cos φ exceeds 1 by rounding (clip before arccos)"""
    X = cos_outside(rng, 5, 4, 1.0)
    got = expect.like(student.limit_ntk_relu(X, X), np.zeros((5, 5)))
    expect.close(
        np.diag(got).copy(), np.sum(X * X, axis=1), names="the diagonal A(x, x)",
        detail="φ = 0 gives ‖x‖²(0 + π)/(2π) + (π/(2π))‖x‖² = ‖x‖². Here (x·x)/(‖x‖‖x‖) is 1 + 2e-16 in floating "
        "point: without np.clip(cos, -1, 1), arccos returns NaN.",
    )


def test_special_pairs(student, rng):
    """antipodal A(x, -2x) = 0 (cos φ < -1 by rounding), orthogonal A(x, x') = ‖x‖‖x'‖/(2π), parallel A(x, 3x) = 3‖x‖²"""
    x = cos_outside(rng, 1, 3, -1.0)[0]
    v = rng.standard_normal(3)
    orth = (v - (v @ x) / (x @ x) * x) * 1.7  # orthogonal to x
    X1 = x[None, :]
    X2 = np.stack([-2.0 * x, orth, 3.0 * x])
    nx, no = np.linalg.norm(x), np.linalg.norm(orth)
    want = np.array([[0.0, nx * no / (2 * np.pi), 3.0 * (x @ x)]])
    expect.close(
        student.limit_ntk_relu(X1, X2), want, names="A(x, [-2x, x⊥, 3x])",
        detail="φ = π gives 0 (sin π + 0·cos π = 0 and π - π = 0); φ = π/2 leaves ‖x‖‖x'‖ sin φ/(2π); "
        "φ = 0 gives ‖x‖‖x'‖/2 + x·x'/2.",
    )


def test_zero_rows(student, rng):
    """rows equal to zero give A = 0 (no division by ‖x‖ = 0)"""
    X1 = rng.standard_normal((3, 2))
    X1[1] = 0.0
    X2 = np.vstack([np.zeros((1, 2)), rng.standard_normal((2, 2))])
    got = expect.like(student.limit_ntk_relu(X1, X2), np.zeros((3, 3)))
    expect.close(
        np.concatenate([got[1], got[:, 0]]), np.zeros(6), names="A in the row and column of the zero inputs",
        detail="both terms carry ‖x‖ (x·x' = 0 too), so A(0, x') = 0; divide only where ‖x‖‖x'‖ > 0.",
    )
    expect.that(np.abs(got[[0, 2]][:, [1, 2]]).max() > 1e-3, "the other entries must not vanish", quantity="A(X1, X2)")


def test_monte_carlo(student, rng, tol):
    """[statistical] A within 6 standard errors of Monte Carlo over 2·10⁴ Gaussian neurons (5 × 4 pairs, d = 3)"""
    X1 = rng.standard_normal((5, 3)) * rng.uniform(0.5, 2.0, (5, 1))
    X2 = rng.standard_normal((4, 3)) * rng.uniform(0.5, 2.0, (4, 1))
    _mc_check(student, rng, tol, X1, X2)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random sizes (n1 = 1 once), norms from 0.3 to 3, some zero rows, near-parallel and near-antipodal pairs"""
    d = int(rng.integers(2, 6))
    n1 = [1, int(rng.integers(2, 7)), int(rng.integers(2, 7))][trial]
    X1 = unit_rows(rng, n1, d) * rng.uniform(0.3, 3.0, (n1, 1))
    near = X1[: min(n1, 2)] * rng.uniform(0.5, 2.0) + 1e-7 * rng.standard_normal((min(n1, 2), d))
    X2 = np.vstack([unit_rows(rng, 3, d) * rng.uniform(0.3, 2.0, (3, 1)), near, -near, np.zeros((1, d))])
    if trial == 2:
        X1[0] = 0.0
    expect.close(student.limit_ntk_relu(X1, X2), ref.limit_ntk_relu(X1, X2))


@mark.hidden
def test_hidden_one_dimensional(student, ref, rng):
    """d = 1: every angle is 0 or π exactly (cos φ = ±1, where the clip matters most)"""
    X1 = rng.standard_normal((4, 1)) * 1.3
    X2 = np.vstack([rng.standard_normal((3, 1)), [[0.0]]])
    expect.close(student.limit_ntk_relu(X1, X2), ref.limit_ntk_relu(X1, X2))


@mark.hidden
def test_hidden_diagonal(student, rng):
    """A(x, x) = ‖x‖² and A(x, -x) = 0 on rows with rounding outside [-1, 1]"""
    d = int(rng.integers(2, 7))
    X = cos_outside(rng, 4, d, 1.0)
    Y = cos_outside(rng, 4, d, -1.0)
    got = expect.like(student.limit_ntk_relu(np.vstack([X, Y]), np.vstack([X, -Y])), np.zeros((8, 8)))
    expect.close(np.diag(got).copy(), np.concatenate([np.sum(X * X, axis=1), np.zeros(4)]), names="A(x, x) and A(y, -y)")


@mark.hidden
def test_hidden_monte_carlo(student, rng, tol):
    """[statistical] Monte Carlo in random dimension"""
    d = int(rng.integers(2, 6))
    X1 = unit_rows(rng, int(rng.integers(2, 6)), d) * rng.uniform(0.3, 3.0)
    X2 = unit_rows(rng, int(rng.integers(2, 6)), d) * rng.uniform(0.3, 2.0)
    _mc_check(student, rng, tol, X1, X2)
