"""Grader for ch07.sgd.

The grader hands the student two functions that run here: grad_fn (a log-cosh
regression or a quadratic, logging every call with its θ and batch) and the
schedule lr. So besides the reference's trajectory, each check can verify the
defining recursion θ_{k+1} = θ_k - lr(k) g(θ_k; B_k) on the student's own
calls, and name the step, the batch and the learning rate that went wrong. The rate check compares per-step contraction factors along
the eigenvectors of a quadratic with the theory 1 - α λ_i.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import QuadraticGrad, RobustRegressionGrad, Schedule, check_recursion, random_batches, robust_data


def test_matches_reference(student, ref, rng):
    """log-cosh regression, p=3, 6 steps with batch sizes 3,2,3,1,2,3 and α_k = 0.5/(k+2)"""
    X, y = robust_data(rng, 8, 3)
    batches = [rng.permutation(8)[:s].astype(np.int64) for s in (3, 2, 3, 1, 2, 3)]
    theta0 = rng.standard_normal(3)
    got = student.sgd(RobustRegressionGrad(X, y), theta0, batches, Schedule("harmonic", 0.5, 2.0))
    expect.close(got, ref.sgd(RobustRegressionGrad(X, y), theta0, batches, Schedule("harmonic", 0.5, 2.0)))


def test_recursion(student, rng, tol):
    """each row is θ_{k+1} = θ_k - lr(k)·grad_fn(θ_k, B_k), one grad_fn call per step; no batches at all gives θ_0 alone"""
    X, y = robust_data(rng, 10, 2)
    batches = random_batches(rng, 10, 8, max_size=5)
    theta0 = rng.standard_normal(2)
    grad, schedule = RobustRegressionGrad(X, y), Schedule("harmonic", float(rng.uniform(0.5, 1.0)), 1.7)
    traj = student.sgd(grad, theta0, batches, schedule)
    check_recursion(traj, theta0, batches, grad, schedule, tol)
    grad = RobustRegressionGrad(X, y)
    check_recursion(student.sgd(grad, theta0, [], schedule), theta0, [], grad, schedule, tol)


def test_contraction_factors(student, rng, tol):
    """full-batch steps on a quadratic contract each eigen-component by exactly 1 - ηλ_i (λ_i from the seed, one with ηλ_i > 1)"""
    # Λ(θ) = (1/M) Σ_m ½ (θ - c_m)ᵀ A (θ - c_m) has minimiser θ* = mean(c_m); with B_k = all
    # samples, θ_{k+1} - θ* = (I - ηA)(θ_k - θ*), so along the eigenvector q_i of A the
    # component Q_iᵀ(θ_k - θ*) is multiplied by 1 - ηλ_i at every step (negative when ηλ_i > 1).
    # The factors are measured as ratios of successive components, which are exact up to
    # rounding; components stay above 5e-5 of their start, so rel 1e-6 is ample.
    lam = np.array([rng.uniform(0.3, 1.0), rng.uniform(1.2, 1.6), rng.uniform(4.0, 6.0)])
    Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    A = (Q * lam) @ Q.T
    centres = rng.standard_normal((6, 3))
    eta, K = 0.3, 15
    batches = [np.arange(6, dtype=np.int64) for _ in range(K)]
    theta0 = centres.mean(axis=0) + Q @ np.array([2.0, -1.5, 1.0])
    traj = expect.like(student.sgd(QuadraticGrad(A, centres), theta0, batches, Schedule("constant", eta)), np.zeros((K + 1, 3)))
    comp = (traj - centres.mean(axis=0)) @ Q
    with np.errstate(all="ignore"):
        factors = comp[1:] / comp[:-1]
    theory = 1.0 - eta * lam
    err = np.abs(factors - theory) / np.abs(theory)
    worst = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(err), err, np.inf))), err.shape)
    expect.that(
        bool(np.all(err <= tol.rate["rel"])),
        "the error along each eigenvector of A must shrink by the factor 1 - ηλ_i at every step",
        quantity="contraction factors of θ_k - θ*",
        detail=(
            f"theory 1 - ηλ = {np.round(theory, 6).tolist()} (η = {eta}, λ = {lam.tolist()}); "
            f"measured at step {worst[0]}: {np.round(factors[worst[0]], 6).tolist()}"
        ),
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, tol, trial):
    """random sizes (M = 1 and 2 included), batch sizes 1..M with repeats, three schedules, no batches at all"""
    M = [1, 2, int(rng.integers(3, 12))][trial]
    p = int(rng.integers(1, 6))
    K = [0, int(rng.integers(3, 14)), int(rng.integers(3, 14))][trial]
    X, y = robust_data(rng, M, p)
    batches = random_batches(rng, M, K)
    theta0 = rng.standard_normal(p)
    kind = ["constant", "harmonic", "step"][int(rng.integers(3))]
    a = float(rng.uniform(0.1, 0.9))
    grad, schedule = RobustRegressionGrad(X, y), Schedule(kind, a, 1.5)
    traj = student.sgd(grad, theta0, batches, schedule)
    expect.close(traj, ref.sgd(RobustRegressionGrad(X, y), theta0, batches, Schedule(kind, a, 1.5)))
    check_recursion(traj, theta0, batches, grad, schedule, tol)


@mark.hidden
def test_hidden_batch_sizes(student, ref, rng):
    """batch sizes 1, 7, 2, 5, 3, 7, 1 on M = 7: the step must not scale with |B|"""
    X, y = robust_data(rng, 7, 4)
    batches = [rng.integers(0, 7, size=s).astype(np.int64) for s in (1, 7, 2, 5, 3, 7, 1)]
    theta0 = rng.standard_normal(4)
    got = student.sgd(RobustRegressionGrad(X, y), theta0, batches, Schedule("constant", 0.3))
    expect.close(got, ref.sgd(RobustRegressionGrad(X, y), theta0, batches, Schedule("constant", 0.3)))


@mark.hidden
def test_hidden_decaying_contraction(student, rng, tol):
    """full batch on a quadratic with α_k = a/(k+k0): step k contracts component i by 1 - α_k λ_i"""
    p = int(rng.integers(2, 5))
    lam = rng.uniform(0.3, 2.0, p)  # α_k λ ≤ 0.8: factors stay ≥ 0.2
    Q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    A = (Q * lam) @ Q.T
    centres = rng.standard_normal((5, p))
    K = 10
    batches = [np.arange(5, dtype=np.int64) for _ in range(K)]
    schedule = Schedule("harmonic", 0.4, 1.0)
    theta0 = centres.mean(axis=0) + Q @ rng.uniform(1.0, 2.0, p)
    traj = expect.like(student.sgd(QuadraticGrad(A, centres), theta0, batches, schedule), np.zeros((K + 1, p)))
    comp = (traj - centres.mean(axis=0)) @ Q
    with np.errstate(all="ignore"):
        factors = comp[1:] / comp[:-1]
    alphas = np.array([schedule.value(k) for k in range(K)])
    theory = 1.0 - np.outer(alphas, lam)
    # exact up to rounding; rel 1e-6 (the components stay far above rounding level)
    expect.that(
        bool(np.all(np.abs(factors - theory) <= tol.rate["rel"] * np.abs(theory))),
        "the error along each eigenvector must shrink by 1 - α_k λ_i at step k",
        quantity="contraction factors of θ_k - θ*",
    )
