"""Grader for ch02.poly_design: the design matrix against np.vander, the curve
against the reference at low degrees, and its shape where values are fragile."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def _data(rng, M, N):
    f = lambda x: np.sin(3 * x)  # noqa: E731
    x_tr, x_te = rng.uniform(-1, 1, M), rng.uniform(-1, 1, N)
    return x_tr, f(x_tr) + 0.1 * rng.standard_normal(M), x_te, f(x_te) + 0.1 * rng.standard_normal(N)


def test_design(student, rng):
    """columns 1, x, ..., x^3 (np.vander with increasing powers)"""
    x = rng.uniform(-2, 2, 6)
    expect.close(student.poly_design(x, 3), np.vander(x, 4, increasing=True))


def test_degree_zero(student, rng):
    """degree 0 is a column of ones"""
    x = rng.uniform(-2, 2, 4)
    expect.close(student.poly_design(x, 0), np.ones((4, 1)))


def test_curve_values(student, ref, rng, tol):
    """train and test MSE for degrees 0..4"""
    data = _data(rng, 30, 50)
    degrees = [0, 1, 2, 3, 4]
    expect.close(student.train_test_curve(*data, degrees), ref.train_test_curve(*data, degrees), tol.curve)


def test_more_coefficients_than_points(student, ref, rng, tol):
    """M = 5 training points, degrees 2, 5 and 7: p + 1 > M coefficients interpolate in many ways; only the minimum-norm θ is asked for (np.polyfit is not it)"""
    data = _data(rng, 5, 20)
    degrees = [2, 5, 7]
    expect.close(
        student.train_test_curve(*data, degrees), ref.train_test_curve(*data, degrees), tol.curve,
        detail="For p + 1 > M every interpolating polynomial has training MSE 0, but they differ between the "
        "training points: the docstring asks for the minimum-norm θ_p (np.linalg.lstsq on Φ_p). np.polyfit "
        "rescales the columns first, so its solution is not the minimum-norm one.",
    )


def test_curve_properties(student, rng):
    """training MSE never increases with the degree and reaches 0 at degree M-1; at degree 0 it is the variance of y"""
    M = 8
    data = _data(rng, M, 20)
    degrees = list(range(M))
    train, test = expect.like(student.train_test_curve(*data, degrees), (np.zeros(M), np.zeros(M)))
    scale = np.var(data[1])
    expect.close(train[0], scale, expect.Tol(1e-10, 1e-14), names="training MSE at degree 0 (the best constant is the mean of y, so it should be np.var(y_tr))")
    expect.that(np.all(np.diff(train) <= 1e-9 * scale), "the training MSE must not increase with the degree (nested models)", quantity="training MSE", detail=f"training MSE: {np.array2string(train, precision=4)}")
    expect.that(train[-1] <= 1e-12 * scale + 1e-14, f"at degree M-1 = {M - 1} the polynomial interpolates the training data", quantity="training MSE", detail=f"got {train[-1]:.3g}")


@mark.hidden
@mark.parametrize("trial", range(2))
def test_hidden(student, ref, rng, tol, trial):
    """random sizes, degrees given out of order, degrees with more coefficients than training points"""
    M = int(rng.integers(1, 12))
    x = rng.uniform(-1, 1, M)
    p = int(rng.integers(0, 6))
    expect.close(student.poly_design(x, p), np.vander(x, p + 1, increasing=True))
    data = _data(rng, 25, 10)
    degrees = [3, 0, 2]
    expect.close(student.train_test_curve(*data, degrees), ref.train_test_curve(*data, degrees), tol.curve)
    M = int(rng.integers(3, 7))
    data = _data(rng, M, 10)
    degrees = [M + int(rng.integers(0, 3)), 1]
    expect.close(student.train_test_curve(*data, degrees), ref.train_test_curve(*data, degrees), tol.curve)
