"""Grader for ch18.polyak_averaging.

Exactness: running means against np.cumsum(θ_1..θ_k)/k (written here) and the
reference. Theory (statistical): the grader runs 2000 SGD chains with
α_k = a(k+1)^{-0.6} and Gaussian noise; the student's averages must have the exact
finite-k mean-square error (z-score), K·E(θ̄_K - θ*)²·λ²/σ² in the catalog's band
[0.8, 1.25] around the optimal constant 1, and decay like 1/k.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark
from mathdl_cli.grading.proxies import columns

from ._helpers import POLYAK_PUBLIC, loglog_slope, moment_z, polyak_chains, polyak_hidden_params, polyak_moments, window


def running_means(thetas):
    """θ̄_k = (1/k) Σ_{j=1}^{k} θ_j, k = 1..K"""
    return np.cumsum(thetas[:, 1:], axis=1) / np.arange(1, thetas.shape[1])


def _theory_check(student, rng, tol, p):
    thetas = polyak_chains(rng, p)
    W = window(p["K"])
    # only the window's columns of the (R, K) averages cross from the child (2000 × 16, not 16 MB)
    bars = columns(student.averaged_iterates, W - 1, like=np.zeros((p["R"], p["K"])))(thetas)
    mean, cov = polyak_moments(p, W)
    err = bars - p["theta_star"]
    z, m2 = moment_z(err, mean, cov)
    optimal = p["sigma"] ** 2 / p["lam"] ** 2
    exact_K = W[-1] * (mean[-1] ** 2 + cov[-1, -1]) / optimal
    # z-score with the exact Gaussian standard error over 2000 independent chains:
    # false-failure probability ≈ 2e-9 (CLT; calibrated on 250 reference seeds).
    expect.that(
        abs(z) <= tol.stat["z"],
        "the mean-square error of your averages must match the exact E(θ̄_k - θ*)² of this SGD run",
        quantity=f"mean of (θ̄_k - θ*)² over 2000 chains, k ∈ [{W[0]}, {W[-1]}]",
        detail=f"z = {z:.3g} (allowed |z| ≤ {tol.stat['z']:g}); at k = {W[-1]}: yours {m2[-1]:.5g}, exact {mean[-1] ** 2 + cov[-1, -1]:.5g}",
    )
    ratio = W[-1] * m2[-1] / optimal
    # Exactly 1.02–1.04 at K = 1000 for the drawn parameters; the single-k estimate has
    # relative sd ≈ 3.2% (√(2/2000)), so both ends are ≥ 6.5 sd away (FFP < 1e-10).
    expect.that(
        tol.stat["band_low"] <= ratio <= tol.stat["band_high"],
        f"Polyak–Ruppert: k E(θ̄_k - θ*)² → σ²/λ² (the optimal constant); at k = {W[-1]} it must lie in "
        f"[{tol.stat['band_low']}, {tol.stat['band_high']}]·σ²/λ²",
        quantity=f"k·mean (θ̄_k - θ*)² · λ²/σ² at k = {W[-1]}",
        detail=f"yours {ratio:.4g} (exactly {exact_K:.4g}); the last iterate is far worse: E(θ_k - θ*)² ≈ α_k σ²/(2λ) ~ k^(-0.6)",
    )
    slope = loglog_slope(W, m2)
    # exact slope within 0.025 of -1 on the drawn parameters; the empirical slope's sd is
    # ≤ 0.021 (delta method): ±0.15 is ≥ 5.9 sd, FFP ≈ 3e-9 (oracle tests)
    expect.that(
        abs(slope + 1) <= tol.stat["slope_tol"],
        f"the averaged iterate's mean-square error must decay like 1/k (log–log slope -1 ± {tol.stat['slope_tol']})",
        quantity="decay of mean (θ̄_k - θ*)²",
        detail=f"your slope over k ∈ [{W[0]}, {W[-1]}] is {slope:.4f} (the last iterate's would be ≈ -0.6)",
    )


def test_small(student, ref, rng):
    """R = 2 trajectories of K = 5 steps"""
    thetas = rng.standard_normal((2, 6))
    expect.close(student.averaged_iterates(thetas), ref.averaged_iterates(thetas))


def test_running_mean(student, rng):
    """R = 4, K = 30: θ̄_k = (θ_1 + ... + θ_k)/k, θ_0 excluded (here θ_0 = 100)"""
    thetas = rng.standard_normal((4, 31))
    thetas[:, 0] = 100.0
    expect.close(student.averaged_iterates(thetas), running_means(thetas), names="θ̄_k = (1/k) Σ_{j=1}^{k} θ_j (θ_0 is not averaged)")


def test_one_step(student):
    """K = 1: θ̄_1 = θ_1"""
    expect.close(student.averaged_iterates(np.array([[5.0, -2.0], [1.0, 3.0]])), np.array([[-2.0], [3.0]]))


def test_optimal_constant(student, rng, tol):
    """[theory] 2000 SGD chains (λ = 1, a = 1.5, σ = 0.8): k E(θ̄_k - θ*)² → σ²/λ², rate 1/k"""
    _theory_check(student, rng, tol, POLYAK_PUBLIC)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_exact(student, ref, rng, trial):
    """R = 1 and random; K = 1 and random"""
    R = [1, int(rng.integers(2, 9)), int(rng.integers(2, 9))][trial]
    K = [int(rng.integers(1, 40)), 1, int(rng.integers(2, 300))][trial]
    thetas = 10 ** rng.uniform(-2, 2) * rng.standard_normal((R, K + 1))
    got = student.averaged_iterates(thetas)
    expect.close(got, ref.averaged_iterates(thetas))
    expect.close(got, running_means(thetas))


@mark.hidden
def test_hidden_optimal_constant(student, rng, tol):
    """[theory] the same with random λ, a, σ, θ*, θ_0"""
    _theory_check(student, rng, tol, polyak_hidden_params(rng))
