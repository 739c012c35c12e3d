"""Grader for ch12.occlusion_importance: the closed form ½ w_i² s_i² for a
least-squares linear model with intercept; exact zeros (an ignored feature, a
constant column); values against the reference for a nonlinear model."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import nonlinear_model, ols_problem


def test_linear_model_closed_form(student, rng):
    """least-squares linear model (columns with non-zero means): O_i = ½ w_i² s_i² exactly"""
    X, y, w, b, predict = ols_problem(rng, 30, 3)
    expect.close(student.occlusion_importance(predict, X, y), 0.5 * w**2 * X.var(axis=0))


def test_nonlinear_model(student, ref, rng):
    """a nonlinear model of 4 features, M = 9"""
    predict = nonlinear_model(rng, 4)
    X = rng.standard_normal((9, 4)) + 1.0
    y = predict(X) + 0.3 * rng.standard_normal(9)
    expect.close(student.occlusion_importance(predict, X, y), ref.occlusion_importance(predict, X, y))


def test_exact_zeros(student, ref, rng):
    """a feature the model ignores, a constant column, and a single sample give exactly 0 (the other feature does not)"""
    predict = nonlinear_model(rng, 3, ignore=(0,))
    X = rng.standard_normal((7, 3))
    X[:, 2] = float(rng.uniform(-2.0, 2.0))  # occluding a constant column by its mean changes nothing
    y = predict(X) + rng.standard_normal(7)
    got = expect.like(student.occlusion_importance(predict, X, y), np.zeros(3))
    expect.close(got[[0, 2]], np.zeros(2), expect.Tol(0.0, 1e-13), names="O of the ignored feature and of the constant column")
    expect.close(got, ref.occlusion_importance(predict, X, y))
    one = expect.like(student.occlusion_importance(predict, X[:1], y[:1]), np.zeros(3))
    expect.close(one, np.zeros(3), expect.Tol(0.0, 1e-13), names="O for a single sample (each column equals its mean)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random d, M = 1, 2 or more (each next to a larger M), y of shape (M,)"""
    cases = []
    for M in ([1, 2, int(rng.integers(3, 40))][trial], int(rng.integers(5, 40))):
        d = int(rng.integers(1, 7))
        predict = nonlinear_model(rng, d)
        X = rng.standard_normal((M, d)) + 2.0 * rng.standard_normal(d)
        cases.append((predict, X, predict(X) + rng.standard_normal(M)))
    for got, case in zip(student.occlusion_importance.many(cases), cases):  # one round trip
        expect.close(got, ref.occlusion_importance(*case))


@mark.hidden
def test_hidden_linear_model(student, rng):
    """least-squares linear model with 5 features: ½ w_i² s_i²"""
    X, y, w, b, predict = ols_problem(rng, 50, 5, noise=1.0)
    expect.close(student.occlusion_importance(predict, X, y), 0.5 * w**2 * X.var(axis=0))
