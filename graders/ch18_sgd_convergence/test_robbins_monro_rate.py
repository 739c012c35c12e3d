"""Grader for ch18.robbins_monro_rate.

Exactness: against the reference, and against the solution of the linear
recursion θ_k = Π_k θ_0 - Σ_{j<k} α_j (Π_{i=j+1}^{k-1} c_i) ξ_j (c_i = 1 - α_i λ), built here
from cumulative products (no loop over steps). Theory (statistical, Gaussian noise
from the check's seed): the chains' second moments against the exact E θ_k², and
the fitted log–log slope against -min(1, 2aλ).
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark
from mathdl_cli.grading.proxies import columns

from ._helpers import RM_PUBLIC, loglog_slope, moment_z, rm_hidden_params, rm_moments, rm_noise, rm_theory, window


def closed_form(theta0, lam, a, k0, xi):
    """θ_k = Π_{i<k} c_i θ_0 - Σ_{j<k} α_j (Π_{i=j+1}^{k-1} c_i) ξ_j, from cumulative products"""
    K = xi.shape[1]
    alpha = a / (np.arange(K) + k0)
    c = 1.0 - alpha * lam
    i, j = np.arange(K)[:, None], np.arange(K)[None, :]
    CP = np.cumprod(np.where(i > j, c[:, None], 1.0), axis=0)  # CP[i, j] = Π_{l=j+1}^{i} c_l
    T = np.zeros((K + 1, K))
    T[1:] = np.where(j <= i, alpha[None, :] * CP, 0.0)  # row k = i + 1: α_j Π_{l=j+1}^{k-1} c_l, j < k
    return theta0 * np.concatenate([[1.0], np.cumprod(c)]) - xi @ T.T


def _theory_check(student, rng, tol, p):
    xi = rm_noise(rng, p)
    W = window(p["K"])
    # only the window's columns of the (R, K+1) chains cross from the child (2000 × 16, not 16 MB)
    chains = columns(student.sgd_decaying, W, like=np.zeros((p["R"], p["K"] + 1)))(p["theta0"], p["lam"], p["a"], p["k0"], xi)
    mean, cov = rm_moments(p, W)
    z, m2 = moment_z(chains, mean, cov)
    exponent, const = rm_theory(p)
    exact = mean**2 + np.diag(cov)
    limit = f"; k·E θ_k² → a²σ²/(2aλ-1) = {const:.5g} (exactly {W[-1] * exact[-1]:.5g} at k = {W[-1]}, yours {W[-1] * m2[-1]:.5g})" if const == const else ""
    # z-score with the exact Gaussian standard error over R = 2000 independent chains:
    # false-failure probability ≈ 2e-9 at |z| ≤ 6 (CLT; z ~ N(0, 1) over 250 reference
    # seeds in tests/oracles/test_ch18_sgd_convergence.py).
    expect.that(
        abs(z) <= tol.stat["z"],
        "the chains' mean of θ_k² must match the exact E θ_k² = (E θ_k)² + Var θ_k of the recursion",
        quantity=f"mean square of your chains on k ∈ [{W[0]}, {W[-1]}] (aλ = {p['a'] * p['lam']:.3g})",
        detail=f"z = {z:.3g} (allowed |z| ≤ {tol.stat['z']:g}); at k = {W[-1]}: yours {m2[-1]:.5g}, exact {exact[-1]:.5g}" + limit,
    )
    slope = loglog_slope(W, m2)
    # The exact finite-K slope is within 0.03 of the limit on the drawn parameters and the
    # empirical slope's sd is ≤ 0.02 (delta method, exact covariances), so ±0.15 is ≥ 6 sd:
    # false-failure probability ≈ 2e-9 (oracle tests check both numbers).
    expect.that(
        abs(slope - exponent) <= tol.stat["slope_tol"],
        f"E θ_k² must decay like k^{{{exponent:.3g}}} = k^(-min(1, 2aλ)) (log–log slope ± {tol.stat['slope_tol']})",
        quantity=f"decay of the mean square of your chains (2aλ = {2 * p['a'] * p['lam']:.3g})",
        detail=f"your slope over k ∈ [{W[0]}, {W[-1]}] is {slope:.4f}",
    )


def test_small(student, ref, rng):
    """R = 3 chains, K = 6, θ_0 = 2, λ = 1.5, a = 0.8, k_0 = 2"""
    xi = rng.standard_normal((3, 6))
    expect.close(student.sgd_decaying(2.0, 1.5, 0.8, 2.0, xi), ref.sgd_decaying(2.0, 1.5, 0.8, 2.0, xi))


def test_closed_form(student, rng):
    """R = 4, K = 40: the linear recursion solved with cumulative products"""
    xi = 0.5 * rng.standard_normal((4, 40))
    expect.close(student.sgd_decaying(-1.0, 0.9, 1.3, 1.7, xi), closed_form(-1.0, 0.9, 1.3, 1.7, xi))


def test_rate_fast(student, rng, tol):
    """[theory] 2000 chains, aλ = 1.5 > ½: E θ_k² matches the exact moments and decays like 1/k"""
    _theory_check(student, rng, tol, RM_PUBLIC["fast"])


def test_rate_slow(student, rng, tol):
    """[theory] 2000 chains, aλ = 0.25 < ½: E θ_k² decays only like k^{-1/2}"""
    _theory_check(student, rng, tol, RM_PUBLIC["slow"])


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_exact(student, ref, rng, trial):
    """R = 1, 2 and random; random K, λ, a, k_0 (α_0 λ up to 2: the first steps overshoot)"""
    R = [1, 2, int(rng.integers(3, 20))][trial]
    K = int(rng.integers(1, 60))
    lam, k0 = float(rng.uniform(0.2, 3)), float(rng.uniform(0.5, 3))
    a = float(rng.uniform(0.1, 2.0)) * k0 / lam
    theta0 = float(rng.uniform(-5, 5))
    xi = rng.uniform(0.1, 3) * rng.standard_normal((R, K))
    got = student.sgd_decaying(theta0, lam, a, k0, xi)
    expect.close(got, ref.sgd_decaying(theta0, lam, a, k0, xi))
    expect.close(got, closed_form(theta0, lam, a, k0, xi))


@mark.hidden
@mark.weight(2)
def test_hidden_rate(student, rng, tol):
    """[theory] random λ, a, k_0, σ, θ_0, in the regime 2aλ > 1 or 2aλ < 1 (drawn too)"""
    _theory_check(student, rng, tol, rm_hidden_params(rng, ["fast", "slow"][int(rng.integers(2))]))
