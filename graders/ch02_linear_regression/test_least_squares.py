"""Grader for ch02.least_squares: value checks against the reference, and the
normal equations checked on the student's own answer."""

import numpy as np
import pytest

from mathdl_cli.grading import expect

from ._data import hidden_shape, regression


def _residual_checks(X, y, w, b, tol):
    Xt = np.column_stack([X, np.ones(len(X))])
    r = y - X @ w - b
    scale = np.linalg.norm(Xt) * np.linalg.norm(y)
    normal = np.linalg.norm(Xt.T @ r) / scale
    expect.that(
        normal <= tol.residual.atol,
        "the residual y - Xw - b is not orthogonal to the columns of [X 1] (the normal equations fail)",
        quantity="(w, b)",
        detail=f"||X̃ᵀ r|| / (||X̃|| ||y||) = {normal:.3g}, allowed {tol.residual.atol:g}",
    )


def test_well_conditioned(student, ref, rng):
    """well-conditioned data, M=20, d=3, with intercept"""
    X, y = regression(rng, 20, 3)
    expect.close(student.least_squares(X, y), ref.least_squares(X, y))


def test_normal_equations(student, rng, tol):
    """residuals orthogonal to [X 1] (independent of the reference)"""
    X, y = regression(rng, 30, 4)
    w, b = expect.like(student.least_squares(X, y), (np.zeros(4), 0.0))
    _residual_checks(X, y, w, b, tol)


def test_without_intercept(student, ref, rng):
    """fit_intercept=False returns b = 0 and fits w alone"""
    X, y = regression(rng, 15, 2)
    expect.close(student.least_squares(X, y, fit_intercept=False), ref.least_squares(X, y, fit_intercept=False))


def test_rank_deficient(student, ref, rng):
    """a duplicated column: the minimum-norm solution"""
    X, y = regression(rng, 12, 3)
    X[:, 2] = X[:, 0]
    expect.close(student.least_squares(X, y), ref.least_squares(X, y))


@pytest.mark.hidden
@pytest.mark.weight(2)
@pytest.mark.parametrize("trial", range(3))
def test_hidden_shapes(student, ref, rng, tol, trial):
    """random shapes including M = 1, M = 2 and M < d"""
    M, d = hidden_shape(rng)
    X, y = regression(rng, M, d, noise=float(rng.uniform(0, 1)))
    got = student.least_squares(X, y)
    expect.close(got, ref.least_squares(X, y))
    if M > d:
        _residual_checks(X, y, got[0], got[1], tol)


@pytest.mark.hidden
def test_hidden_rank_deficient(student, ref, rng):
    """collinear columns with an intercept-like column"""
    X, y = regression(rng, 10, 4)
    X[:, 3] = 2.0 * X[:, 1] - X[:, 0]
    X[:, 2] = 1.0
    expect.close(student.least_squares(X, y), ref.least_squares(X, y))
