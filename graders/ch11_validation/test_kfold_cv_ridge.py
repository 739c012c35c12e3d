"""Grader for ch11.kfold_cv_ridge.

Independent oracle (closed form, no refitting): for ridge with the penalty
matrix n_k λ I fixed, the residuals of the fit that leaves out a block S of
rows are e_S = (I - H_SS)⁻¹ (y - H y)_S with H = X (XᵀX + n_k λ I)⁻¹ Xᵀ built
from ALL the rows. For K = M this is the PRESS formula of leave-one-out,
CV = (1/M) Σ_m ((y - Hy)_m / (1 - H_mm))² with n_k = M - 1.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import block_leverage_cv, press_cv


def _data(rng, M, d, noise=0.5):
    X = rng.standard_normal((M, d))
    y = X @ rng.standard_normal(d) + noise * rng.standard_normal(M)
    return X, y


def _want(cv, lams):
    return cv, float(lams[int(np.argmin(cv))])


def test_values(student, ref, rng):
    """M = 12, d = 3, K = 3 equal folds, λ ∈ {0.01, 0.1, 1}"""
    X, y = _data(rng, 12, 3)
    lams = np.array([0.01, 0.1, 1.0])
    perm = rng.permutation(12).astype(np.int64)
    expect.close(student.kfold_cv_ridge(X, y, lams, perm, 3), ref.kfold_cv_ridge(X, y, lams, perm, 3))


def test_leave_one_out_press(student, rng):
    """K = M = 10 (leave-one-out) against the PRESS closed form with penalty (M-1)λ"""
    X, y = _data(rng, 10, 3)
    lams = np.array([0.3, 0.03, 3.0, 0.003])
    perm = rng.permutation(10).astype(np.int64)
    expect.close(student.kfold_cv_ridge(X, y, lams, perm, 10), _want(press_cv(X, y, lams), lams))


def test_uneven_folds(student, rng):
    """M = 11, K = 3 (folds of 4, 4, 3) and M = 10, K = 4 (folds of 3, 3, 2, 2): pooled residuals, penalty n_k λ per fold (closed form)"""
    cases = []
    for M, K in ((11, 3), (10, 4)):
        X, y = _data(rng, M, 2)
        lams = np.array([0.05, 0.5, 5.0])
        cases.append((X, y, lams, rng.permutation(M).astype(np.int64), K))
    for got, (X, y, lams, perm, K) in zip(student.kfold_cv_ridge.many(cases), cases):  # one round trip
        expect.close(got, _want(block_leverage_cv(X, y, lams, perm, K), lams))


def test_uses_perm(student, rng):
    """the folds follow perm: two different shuffles with K = 2, each against the closed form"""
    X, y = _data(rng, 9, 2, noise=1.0)
    lams = np.array([0.2])
    perm = rng.permutation(9).astype(np.int64)
    other = np.roll(perm, 1)
    for got, p in zip(student.kfold_cv_ridge.many([(X, y, lams, p, 2) for p in (perm, other)]), (perm, other)):  # one round trip
        expect.close(got, _want(block_leverage_cv(X, y, lams, p, 2), lams))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random M, d and K with M mod K ≠ 0, λ over five decades, unsorted"""
    K = int(rng.integers(2, 6))
    M = K * int(rng.integers(2, 6)) + int(rng.integers(1, K))
    d = int(rng.integers(1, 6))
    X, y = _data(rng, M, d, noise=float(rng.uniform(0.1, 2.0)))
    lams = 10.0 ** rng.uniform(-3, 2, int(rng.integers(1, 6)))
    perm = rng.permutation(M).astype(np.int64)
    got = student.kfold_cv_ridge(X, y, lams, perm, K)
    expect.close(got, ref.kfold_cv_ridge(X, y, lams, perm, K))
    expect.close(got, _want(block_leverage_cv(X, y, lams, perm, K), lams))


@mark.hidden
def test_hidden_loo_wide(student, rng):
    """leave-one-out with more features than training samples (d = 6, M = 5)"""
    X, y = _data(rng, 5, 6)
    lams = np.array([0.5, 0.01])
    perm = rng.permutation(5).astype(np.int64)
    expect.close(student.kfold_cv_ridge(X, y, lams, perm, 5), _want(press_cv(X, y, lams), lams))


@mark.hidden
def test_hidden_two_samples(student, ref, rng):
    """M = 2, K = 2: one training sample per fold"""
    X, y = _data(rng, 2, 3)
    lams = np.array([1.0, 0.1])
    perm = np.array([1, 0], dtype=np.int64)
    expect.close(student.kfold_cv_ridge(X, y, lams, perm, 2), ref.kfold_cv_ridge(X, y, lams, perm, 2))
