"""Grader for ch02.ridge: values against the reference; stationarity of the
stated objective and the shrinkage of ‖w(λ)‖, on the student's own answers."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import hidden_shape, regression


def objective_grad(X, y, lam, w, b):
    """Gradient of (1/(2M)) Σ (y - Xw - b)² + (λ/2)‖w‖² at (w, b)."""
    M = X.shape[0]
    r = y - X @ w - b
    return np.concatenate([-(X.T @ r) / M + lam * w, [-r.sum() / M]])


def test_values(student, ref, rng):
    """M=30, d=4, λ=0.3"""
    X, y = regression(rng, 30, 4)
    expect.close(student.ridge(X, y, 0.3), ref.ridge(X, y, 0.3))


def test_stationary(student, rng, tol):
    """the gradient of the stated objective vanishes at your (w, b)"""
    X, y = regression(rng, 20, 3)
    w, b = expect.like(student.ridge(X, y, 0.5), (np.zeros(3), 0.0))
    expect.close(objective_grad(X, y, 0.5, w, b), np.zeros(4), tol.stationarity, names="∇(objective) at (w, b)")


def test_shrinkage(student, rng):
    """‖w(λ)‖ decreases in λ and w(λ) tends to least squares as λ → 0"""
    X, y = regression(rng, 25, 3)
    norms = []
    for out in student.ridge.many([(X, y, lam) for lam in (1e-10, 0.1, 1.0, 10.0)]):  # one round trip
        w, _ = expect.like(out, (np.zeros(3), 0.0))
        norms.append(np.linalg.norm(w))
    expect.that(np.all(np.diff(norms) < 0), "‖w(λ)‖ must decrease as λ grows", quantity="w", detail=f"norms for λ = 1e-10, 0.1, 1, 10: {np.round(norms, 6)}")
    w0 = np.linalg.lstsq(np.column_stack([X, np.ones(25)]), y, rcond=None)[0][:3]
    w, _ = student.ridge(X, y, 1e-10)
    expect.close(w, w0, expect.Tol(1e-6, 1e-8), names="w(λ → 0) vs least squares")


def test_more_features_than_samples(student, ref, rng):
    """M = 4 samples, d = 7 features: X_cᵀX_c is singular, λI makes the system solvable"""
    X, y = regression(rng, 4, 7)
    lam = float(10 ** rng.uniform(-2, 0))
    expect.close(student.ridge(X, y, lam), ref.ridge(X, y, lam))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden(student, ref, rng, trial):
    """random shapes (M = 1 and M < d included) and λ over four decades"""
    M, d = hidden_shape(rng)
    X, y = regression(rng, M, d)
    lam = float(10 ** rng.uniform(-3, 1))
    expect.close(student.ridge(X, y, lam), ref.ridge(X, y, lam))
