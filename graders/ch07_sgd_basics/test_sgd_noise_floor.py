"""Grader for ch07.sgd_noise_floor.

Exactness: against the reference, and against the solution of the linear
recursion written as a convolution, θ_k = c^k θ_0 - α Σ_{j<k} c^{k-1-j} ξ_j with
c = 1 - αλ, computed here with a Toeplitz matrix (no loop over steps).
Theory: with antithetic noise (ξ, -ξ) the chain average is exactly E θ_k, whose
per-step contraction factor must be 1 - αλ; with Gaussian noise the variance
over the last K/2 steps must match the noise floor V_∞ = ασ²/(λ(2-αλ)).
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import floor_inputs, floor_params, floor_z


def convolution(theta0, lam, alpha, xi):
    """θ_k = c^k θ_0 - α Σ_{j<k} c^{k-1-j} ξ_j for k = 0..K, for every chain."""
    K = xi.shape[1]
    c = 1.0 - alpha * lam
    k = np.arange(K + 1)[:, None]
    j = np.arange(K)[None, :]
    T = np.where(j < k, c ** np.maximum(k - 1 - j, 0), 0.0)
    return (c ** np.arange(K + 1)) * theta0 - alpha * xi @ T.T


def _mean_factor_check(student, rng, tol, theta0, lam, alpha, R, K):
    half = rng.standard_normal((R, K))
    xi = np.concatenate([half, -half])
    traj = expect.like(student.sgd_quadratic_noise(theta0, lam, alpha, xi), np.zeros((2 * R, K + 1)))
    mean = traj.mean(axis=0)
    with np.errstate(all="ignore"):
        factors = mean[1:] / mean[:-1]
    c = 1.0 - alpha * lam
    # (ξ, -ξ) cancel exactly in the average, so mean_k = c^k θ_0 up to rounding; the
    # ratios are then c to ~1e-12 (mean_K stays ≥ 1e-5·θ_0), far inside rel 1e-9.
    k = int(np.argmax(np.abs(factors - c))) if np.all(np.isfinite(factors)) else 0
    expect.that(
        bool(np.all(np.abs(factors - c) <= tol.rate["rel"] * abs(c))),
        "E θ_k = (1-αλ)^k θ_0: the chain average must shrink by the factor 1-αλ at every step",
        quantity="contraction factor of the mean over chains",
        detail=f"1 - αλ = {c:.6g}; with antithetic noise (ξ, -ξ) your average shrinks by {factors[k]:.6g} at step {k}",
    )


def _variance_check(student, rng, tol, params):
    theta0, lam, alpha, xi = floor_inputs(rng, params)
    traj = expect.like(student.sgd_quadratic_noise(theta0, lam, alpha, xi), np.zeros((params["R"], params["K"] + 1)))
    z, ratio, se = floor_z(traj, params)
    v_inf = alpha * params["sigma"] ** 2 / (lam * (2 - alpha * lam))
    # |z| ≤ 6 with the exact standard error of the statistic (Gaussian ξ): false-failure
    # probability ≈ 2e-9 by the CLT over R = 1000 independent chains, and ≤ 2e-7 by the
    # Laurent–Massart bound for Gaussian quadratic forms (tests/oracles/test_ch07_sgd_basics.py
    # computes that bound and runs this statistic on the reference over 400 seeds).
    expect.that(
        abs(z) <= tol.stat["z"],
        "the variance over the last K/2 steps must match the noise floor V_∞ = ασ²/(λ(2-αλ))",
        quantity="stationary variance of θ_k",
        detail=(
            f"V_∞ = {v_inf:.5g}; your chains give {ratio:.5g}·V_∞ "
            f"(standard error {se:.2g}·V_∞, z = {z:.3g}, allowed |z| ≤ {tol.stat['z']:g})"
        ),
    )


def test_small(student, ref, rng):
    """R=3 chains, K=6 steps, θ_0, λ and α from the seed (αλ in [0.1, 0.9])"""
    xi = rng.standard_normal((3, 6))
    theta0, lam = float(rng.uniform(-3, 3)), float(rng.uniform(0.5, 3.0))
    alpha = float(rng.uniform(0.1, 0.9)) / lam
    expect.close(student.sgd_quadratic_noise(theta0, lam, alpha, xi), ref.sgd_quadratic_noise(theta0, lam, alpha, xi))


def test_convolution(student, rng):
    """R=5, K=40: θ_k = c^k θ_0 - α Σ_{j<k} c^{k-1-j} ξ_j (c = 1-αλ in [-0.8, 0.8])"""
    xi = 0.7 * rng.standard_normal((5, 40))
    theta0, lam = float(rng.uniform(-3, 3)), float(rng.uniform(0.5, 3.0))
    alpha = float(rng.uniform(0.2, 1.8)) / lam
    expect.close(student.sgd_quadratic_noise(theta0, lam, alpha, xi), convolution(theta0, lam, alpha, xi))


def test_mean_contraction(student, rng, tol):
    """the mean over chains contracts by exactly 1-αλ per step (antithetic noise, αλ in [0.2, 0.6])"""
    lam, c = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.4, 0.8))
    K = min(30, int(np.log(1e-5) / np.log(c)))  # keep c^K ≥ 1e-5, far above rounding
    _mean_factor_check(student, rng, tol, float(rng.uniform(1, 4)), lam, (1 - c) / lam, 20, K)


def test_noise_floor(student, rng, tol):
    """[theory] 1000 Gaussian chains: Var θ_k → ασ²/(λ(2-αλ)), not 0 (λ, α, σ, θ_0 from the seed)"""
    _variance_check(student, rng, tol, floor_params(rng))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_exact(student, ref, rng, trial):
    """R = 1, 2 and random; αλ in (0, 2), oscillating chains when αλ > 1"""
    R = [1, 2, int(rng.integers(3, 30))][trial]
    K = int(rng.integers(1, 60))
    lam = float(rng.uniform(0.2, 4.0))
    alpha = float(rng.uniform(0.05, 1.9)) / lam
    theta0 = float(rng.uniform(-5, 5))
    xi = float(rng.uniform(0.1, 3.0)) * rng.standard_normal((R, K))
    got = student.sgd_quadratic_noise(theta0, lam, alpha, xi)
    expect.close(got, ref.sgd_quadratic_noise(theta0, lam, alpha, xi))
    expect.close(got, convolution(theta0, lam, alpha, xi))


@mark.hidden
def test_hidden_mean_contraction(student, rng, tol):
    """antithetic chains with 1-αλ random in [-0.8, 0.8]"""
    lam = float(rng.uniform(0.5, 3.0))
    c = float(rng.choice([-1, 1])) * float(rng.uniform(0.4, 0.8))
    K = min(30, int(np.log(1e-5) / np.log(abs(c))))  # keep |c|^K ≥ 1e-5, far above rounding
    _mean_factor_check(student, rng, tol, float(rng.uniform(1, 4)), lam, (1 - c) / lam, 10, K)


@mark.hidden
@mark.weight(2)
def test_hidden_noise_floor(student, rng, tol):
    """[theory] the noise floor for random λ, α, σ, θ_0"""
    _variance_check(student, rng, tol, floor_params(rng))
