"""Grader for ch18.interpolation_regime.

Exactness: against the reference, and the defining step checked row by row on the
student's own trajectory (each row from the previous one). Theory: noiseless data
(interpolation) gives linear convergence with a constant step, checked with a K
from Markov's inequality (FFP ≤ 1e-9); noisy targets give a floor, compared with
the exact stationary E‖θ - θ̂‖² (a Lyapunov equation solved here) at two steps.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import FLOOR, floor_problem, markov_steps, stationary_floor, time_average_floor, unit_rows


def _recursion(student, tol, X, y, theta0, lr, idx):
    K, d = idx.shape[0], X.shape[1]
    traj = np.asarray(expect.like(student.sgd_least_squares(X, y, theta0, lr, idx), np.zeros((K + 1, d))))
    expect.close(traj[0], theta0, names="row 0 (θ_0)")
    Xb = X[idx]  # (K, B, d)
    r = np.einsum("kbd,kd->kb", Xb, traj[:-1]) - y[idx]
    want = traj[:-1] - lr * np.einsum("kbd,kb->kd", Xb, r) / idx.shape[1]
    diff = np.abs(traj[1:] - want).max(axis=1)
    k = int(np.argmax(diff))
    expect.that(
        bool(np.all(diff <= 1e-12 * (1 + np.abs(want).max(axis=1)))),
        "row k+1 must be θ_k - η·mean over the batch idx_seq[k] of (x_mᵀθ_k - y_m) x_m",
        quantity=f"row {k + 1} of the trajectory",
        detail=f"it differs from one step from your row {k} with batch {idx[k].tolist()} by {diff[k]:.3g}",
    )


def _linear_check(student, rng, tol, M, d, B, lr):
    X = unit_rows(rng, M, d)
    star = rng.standard_normal(d)
    K, rho = markov_steps(X, lr)
    theta0 = star + rng.standard_normal(d)
    idx = rng.integers(0, M, (K, B))
    traj = np.asarray(expect.like(student.sgd_least_squares(X, X @ star, theta0, lr, idx), np.zeros((K + 1, d))))
    expect.close(traj[0], theta0, names="row 0 (θ_0)")  # so that ‖θ_0 - θ*‖ > 0 below is the real start
    err = np.linalg.norm(traj - star, axis=1)
    # E‖θ_K - θ*‖² ≤ ρ^K ‖θ_0 - θ*‖² ≤ 1e-29 ‖θ_0 - θ*‖², so by Markov's inequality the check
    # fails a correct implementation with probability ≤ 1e-29/1e-20 = 1e-9.
    expect.that(
        err[-1] <= tol.linear["final"] * err[0],
        "with y = Xθ* (interpolation) constant-step SGD converges linearly to θ*",
        quantity=f"‖θ_K - θ*‖/‖θ_0 - θ*‖ after K = {K} steps (η = {lr:g}, B = {B})",
        detail=f"yours {err[-1] / err[0]:.3g}, allowed {tol.linear['final']:g}; the expected squared error shrinks by "
        f"ρ = 1 - η(2 - ηR²)λ_min(XᵀX/M) = {rho:.4f} per step",
    )


def _floor_check(student, rng, tol, lrs=FLOOR["lrs"]):
    X, y = floor_problem(rng)
    B, K = FLOOR["B"], FLOOR["K"]
    idx = [rng.integers(0, FLOOR["M"], (K, B)) for _ in lrs]
    theta0 = rng.standard_normal(FLOOR["d"])
    outs = student.sgd_least_squares.many([(X, y, theta0, lr, i) for lr, i in zip(lrs, idx)])
    for lr, out, band in zip(lrs, outs, (tol.floor["large_step"], tol.floor["small_step"])):
        traj = np.asarray(expect.like(out, np.zeros((K + 1, FLOOR["d"]))))
        exact, theta_hat = stationary_floor(X, y, lr, B)
        measured = time_average_floor(traj, theta_hat)
        # Calibrated on the reference (python bench/calibrate_checks.py ch18 --only
        # interpolation_regime): over 400 seeds the ratio measured/exact has mean 1.000 and
        # sd 2.7% at η = 0.8, mean 0.999 and sd 5.3% at η = 0.2 (time averages over 3500
        # correlated steps); the bands ±20% and ±35% are 7.5 and 6.6 sd (FFP < 1e-10 by the
        # normal tail, < 1e-6 allowing for skew; no false failure in the sweep).
        expect.that(
            abs(measured / exact - 1) <= band,
            f"with noisy targets SGD stalls at the noise floor E‖θ - θ̂‖² (∝ η for small η): within ±{band:.0%} of the exact stationary value",
            quantity=f"time average of ‖θ_k - θ̂‖² over the last {K - FLOOR['burn']} steps, η = {lr:g}, B = {B}",
            detail=f"yours {measured:.5g}, exact {exact:.5g} (ratio {measured / exact:.3f})",
        )


def test_small(student, ref, rng):
    """M = 6, d = 2, K = 5 steps with batches of B = 2"""
    X, y, theta0 = rng.standard_normal((6, 2)), rng.standard_normal(6), rng.standard_normal(2)
    idx = rng.integers(0, 6, (5, 2))
    expect.close(student.sgd_least_squares(X, y, theta0, 0.1, idx), ref.sgd_least_squares(X, y, theta0, 0.1, idx))


def test_recursion(student, rng, tol):
    """M = 8, d = 3, 20 steps, B = 3 with repeated indices: every row is one step from the previous"""
    X, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    idx = rng.integers(0, 8, (20, 3))
    idx[4] = [2, 2, 2]
    _recursion(student, tol, X, y, rng.standard_normal(3), 0.15, idx)


def test_single_sample(student, ref, rng):
    """B = 1 (idx_seq of shape (K, 1)): single-sample SGD"""
    X, y, theta0 = rng.standard_normal((5, 3)), rng.standard_normal(5), rng.standard_normal(3)
    idx = rng.integers(0, 5, (7, 1))
    expect.close(student.sgd_least_squares(X, y, theta0, 0.2, idx), ref.sgd_least_squares(X, y, theta0, 0.2, idx))


def test_linear_convergence(student, rng, tol):
    """[theory] y = Xθ*, unit rows, η = 0.9, B = 1 and B = 4: ‖θ_K - θ*‖ ≤ 1e-10 ‖θ_0 - θ*‖"""
    _linear_check(student, rng, tol, 30, 3, 1, 0.9)
    _linear_check(student, rng, tol, 30, 3, 4, 0.9)


def test_noise_floor(student, rng, tol):
    """[theory] noisy y: the floor at η = 0.8 and η = 0.2 (B = 2) matches the exact stationary value"""
    _floor_check(student, rng, tol)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, tol, trial):
    """M = 1, d = 1 and random; B random; against the reference and the recursion"""
    M, d = [(1, 2), (int(rng.integers(2, 10)), 1), (int(rng.integers(2, 30)), int(rng.integers(2, 6)))][trial]
    X, y, theta0 = rng.standard_normal((M, d)), rng.standard_normal(M), rng.standard_normal(d)
    idx = rng.integers(0, M, (int(rng.integers(1, 40)), int(rng.integers(1, 6))))
    lr = float(rng.uniform(0.05, 0.9)) / np.max(np.sum(X * X, axis=1))
    expect.close(student.sgd_least_squares(X, y, theta0, lr, idx), ref.sgd_least_squares(X, y, theta0, lr, idx))
    _recursion(student, tol, X, y, theta0, lr, idx)


@mark.hidden
def test_hidden_linear_convergence(student, rng, tol):
    """[theory] interpolation with random M, d, B and η"""
    d = int(rng.integers(2, 5))
    _linear_check(student, rng, tol, int(rng.integers(3 * d, 40)), d, int(rng.integers(1, 5)), float(rng.uniform(0.5, 1.2)))


@mark.hidden
def test_hidden_noise_floor(student, rng, tol):
    """[theory] the noise floor on another random problem"""
    _floor_check(student, rng, tol)
