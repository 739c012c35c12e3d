"""Grader for ch12.permutation_importance: values against the reference for a
nonlinear model; exact zeros (an ignored feature, identity permutations); and
a statistical check against the exact expectation for a least-squares linear
model, E I_i = w_i² s_i², with the exact permutation variance (see _helpers).

The model `predict` runs in the grader and is called back from the student's
code (about a millisecond per call), so d·R stays small."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import nonlinear_model, ols_problem, ols_permutation_z, permutations

# |z| ≤ 6 for each feature. I_i is a mean of R independent linear permutation
# statistics, each already close to normal for M ≥ 300 (combinatorial CLT), so a
# correct answer fails with probability about d · 2e-9 (FFP: 6e-9 for d = 3,
# 8e-9 for d = 4); calibrated on 200 seeds of each in tests/oracles. The power comes
# from M·R: the standard error is about w_i² s_i² / √(M R), so a factor-2 error
# is ~60 standard errors away. Few permutations, many samples: each permutation
# costs one call of `predict`, which runs in the grader.
Z_MAX = 6.0


def test_nonlinear_model(student, ref, rng):
    """a nonlinear model of 3 features, M = 8, R = 4 permutations per feature"""
    predict = nonlinear_model(rng, 3)
    X = rng.standard_normal((8, 3))
    y = predict(X) + 0.3 * rng.standard_normal(8)
    perms = permutations(rng, 3, 4, 8)
    expect.close(student.permutation_importance(predict, X, y, perms), ref.permutation_importance(predict, X, y, perms))


def test_own_permutations(student, ref, rng):
    """each feature uses its own permutations: feature 0 gets identities (exactly 0), the others real shuffles"""
    predict = nonlinear_model(rng, 3)
    X = rng.standard_normal((10, 3))
    y = predict(X) + 0.2 * rng.standard_normal(10)
    perms = permutations(rng, 3, 3, 10)
    perms[0] = np.arange(10)
    expect.close(student.permutation_importance(predict, X, y, perms), ref.permutation_importance(predict, X, y, perms))


def test_exact_zeros(student, ref, rng, tol):
    """a feature the model ignores, and identity permutations, give exactly 0 (the other features do not)"""
    predict = nonlinear_model(rng, 4, ignore=(2,))
    X = rng.standard_normal((12, 4))
    y = predict(X) + 0.5 * rng.standard_normal(12)
    perms = permutations(rng, 4, 3, 12)
    got = expect.like(student.permutation_importance(predict, X, y, perms), np.zeros(4))
    expect.close(got[2:3], np.zeros(1), tol.exact_zero, names="I of the feature the model ignores")
    expect.close(got, ref.permutation_importance(predict, X, y, perms))
    identity = np.tile(np.arange(12, dtype=np.int64), (4, 2, 1))
    expect.close(student.permutation_importance(predict, X, y, identity), np.zeros(4), tol.exact_zero, names="I with identity permutations")


def test_linear_model_expectation(student, rng):
    """least-squares linear model, M = 400, R = 10: I_i within 6 standard errors of w_i² s_i² (statistical)"""
    M, d, R = 400, 3, 10
    X, y, w, b, predict = ols_problem(rng, M, d)
    got = expect.like(student.permutation_importance(predict, X, y, permutations(rng, d, R, M)), np.zeros(d))
    z = ols_permutation_z(got, X, y, w, b, R)
    worst = int(np.argmax(np.abs(z)))
    expect.that(
        np.all(np.abs(z) <= Z_MAX),  # FFP ≈ 6e-9 (see Z_MAX)
        "for a least-squares linear model E I_i = w_i² s_i² (s_i² the variance of column i); your average over the R permutations is too far from it",
        quantity="importance I",
        detail=f"feature {worst}: I = {got[worst]:.5g}, w² s² = {w[worst] ** 2 * X[:, worst].var():.5g}, z = {z[worst]:+.1f} standard errors (allowed ±{Z_MAX:g}); all z: {np.round(z, 1)}",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random d and R, M = 1, 2 or more (each next to a larger M), y of shape (M,)"""
    cases = []
    for M in ([1, 2, int(rng.integers(3, 25))][trial], int(rng.integers(5, 25))):
        d, R = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        predict = nonlinear_model(rng, d)
        X = rng.standard_normal((M, d)) + rng.standard_normal(d)
        y = predict(X) + rng.standard_normal(M)
        cases.append((predict, X, y, permutations(rng, d, R, M)))
    for got, case in zip(student.permutation_importance.many(cases), cases):  # one round trip
        expect.close(got, ref.permutation_importance(*case))


@mark.hidden
def test_hidden_linear_model(student, rng):
    """least-squares linear model with 4 features (statistical, |z| ≤ 6, FFP ≈ 8e-9)"""
    M, d, R = 300, 4, 8
    X, y, w, b, predict = ols_problem(rng, M, d, noise=1.0)
    got = expect.like(student.permutation_importance(predict, X, y, permutations(rng, d, R, M)), np.zeros(d))
    z = ols_permutation_z(got, X, y, w, b, R)
    expect.that(np.all(np.abs(z) <= Z_MAX), "E I_i = w_i² s_i² for a least-squares linear model", quantity="importance I", detail=f"z = {np.round(z, 1)}")
