"""Grader for ch02.least_squares: value checks against the reference, and the
normal equations checked on the student's own answer."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import constant_in_span, hidden_shape, regression


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


def test_more_columns_than_samples(student, ref, rng):
    """M = 4 samples, d = 6 features: infinitely many exact fits, only the minimum-norm θ = (w, b) is right"""
    X, y = regression(rng, 4, 6)
    expect.close(student.least_squares(X, y), ref.least_squares(X, y))


def test_constant_in_span(student, ref, rng):
    """a constant column (or two columns summing to a constant): the intercept is shared with w, minimum norm over (w, b) jointly"""
    X, y = constant_in_span(rng, 15, 4)
    expect.close(
        student.least_squares(X, y), ref.least_squares(X, y),
        detail="The constant column of X̃ = [X 1] lies in the span of the columns of X, so b is not determined on its own: "
        "the minimum of ‖θ‖ over all minimisers θ = (w, b) splits the constant between w and b. "
        "Centring X and y and setting b = ȳ - x̄·w gives another minimiser, not the minimum-norm one.",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_shapes(student, ref, rng, tol, trial):
    """random shapes including M = 1, M = 2 and M < d"""
    M, d = hidden_shape(rng)
    X, y = regression(rng, M, d, noise=float(rng.uniform(0, 1)))
    got = student.least_squares(X, y)
    expect.close(got, ref.least_squares(X, y))
    if M > d:
        _residual_checks(X, y, got[0], got[1], tol)


@mark.hidden
def test_hidden_rank_deficient(student, ref, rng):
    """collinear columns with an intercept-like column; the constant in the span of X"""
    X, y = regression(rng, 10, 4)
    X[:, 3] = 2.0 * X[:, 1] - X[:, 0]
    X[:, 2] = 1.0
    expect.close(student.least_squares(X, y), ref.least_squares(X, y))
    X, y = constant_in_span(rng, int(rng.integers(5, 20)), int(rng.integers(2, 6)))
    expect.close(student.least_squares(X, y), ref.least_squares(X, y))


@mark.hidden
@mark.parametrize("M,d", [(3, 5), (12, 4)])
def test_hidden_without_intercept(student, ref, rng, M, d):
    """fit_intercept=False, more features than samples (minimum norm) and an ordinary design"""
    X, y = regression(rng, M, d)
    expect.close(student.least_squares(X, y, fit_intercept=False), ref.least_squares(X, y, fit_intercept=False))
