"""Grader for ch02.gd_least_squares: every iterate against the closed form
θ_k = θ* + Q diag((1 - ηλ)^k) Qᵀ (θ_0 - θ*), computed here from the
eigendecomposition of H = X̃ᵀX̃ / M (independent of any loop)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import hidden_shape, regression


def closed_form(X, y, theta0, lr, n_steps):
    M = X.shape[0]
    Xt = np.column_stack([X, np.ones(M)])
    H = Xt.T @ Xt / M
    lam, Q = np.linalg.eigh(H)
    theta_star = np.linalg.lstsq(Xt, y, rcond=None)[0]
    c = Q.T @ (theta0 - theta_star)
    k = np.arange(n_steps + 1)[:, None]
    return theta_star + (c * (1.0 - lr * lam) ** k) @ Q.T


def _step(X):
    M = X.shape[0]
    Xt = np.column_stack([X, np.ones(M)])
    L = np.linalg.eigvalsh(Xt.T @ Xt / M).max()
    return 1.0 / L


def test_closed_form(student, rng):
    """all iterates equal the eigen-decomposed closed form (η = 1/L, 30 steps)"""
    X, y = regression(rng, 20, 3)
    theta0 = rng.standard_normal(4)
    lr = _step(X)
    expect.close(student.gd_least_squares(X, y, theta0, lr, 30), closed_form(X, y, theta0, lr, 30))


def test_matches_reference(student, ref, rng):
    """small step, 5 iterations, against the reference"""
    X, y = regression(rng, 6, 2)
    theta0 = np.zeros(3)
    expect.close(student.gd_least_squares(X, y, theta0, 0.05, 5), ref.gd_least_squares(X, y, theta0, 0.05, 5))


def test_rank_deficient_and_zero_steps(student, rng):
    """M = 3 samples, d = 5: H is singular, the null-space part of θ_0 stays put; and n_steps = 0 returns θ_0 alone"""
    X, y = regression(rng, 3, 5)
    theta0 = rng.standard_normal(6)
    lr = float(rng.uniform(0.3, 1.0)) * _step(X)
    expect.close(student.gd_least_squares(X, y, theta0, lr, 12), closed_form(X, y, theta0, lr, 12))
    expect.close(student.gd_least_squares(X, y, theta0, lr, 0), theta0[None, :].copy(), names="trajectory for n_steps = 0 (one row, θ_0)")


def test_rate(student, rng):
    """the error contracts at least by (1 - μ/L) per step at η = 1/L (and the iterates are the closed form)"""
    X, y = regression(rng, 40, 2)
    Xt = np.column_stack([X, np.ones(40)])
    lam = np.linalg.eigvalsh(Xt.T @ Xt / 40)
    mu, L = lam.min(), lam.max()
    theta0 = 5 * rng.standard_normal(3)
    traj = expect.like(student.gd_least_squares(X, y, theta0, 1.0 / L, 50), np.zeros((51, 3)))
    expect.close(traj, closed_form(X, y, theta0, 1.0 / L, 50))
    theta_star = np.linalg.lstsq(Xt, y, rcond=None)[0]
    err = np.linalg.norm(traj - theta_star, axis=1)
    bound = (1 - mu / L) ** np.arange(51) * err[0]
    worst = int(np.argmax(err - bound))
    expect.that(
        np.all(err <= bound * (1 + 1e-9) + 1e-12),
        "‖θ_k - θ*‖ ≤ (1 - μ/L)^k ‖θ_0 - θ*‖ fails",
        quantity="trajectory",
        detail=f"at k = {worst}: error {err[worst]:.4g} > bound {bound[worst]:.4g}",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden(student, rng, trial):
    """random shapes and step sizes, including rank-deficient designs and n_steps = 0"""
    M, d = hidden_shape(rng)
    X, y = regression(rng, M, d)
    theta0 = rng.standard_normal(d + 1)
    lr = float(rng.uniform(0.2, 1.0)) * _step(X)
    n = [0, int(rng.integers(1, 40)), int(rng.integers(1, 40))][trial]
    expect.close(student.gd_least_squares(X, y, theta0, lr, n), closed_form(X, y, theta0, lr, n))
