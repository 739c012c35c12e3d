"""Grader for ch03.softmax_regression: values against the reference, the
closed form at W = 0, b = 0, central differences of the student's own Λ and
invariance to b ↦ b + c1 (both after a value check of Λ), and logits of size
1000, in one row and in rows at opposite extremes of one batch, under
np.errstate(all="raise")."""

import numpy as np

from mathdl_cli.grading import expect

from mathdl_cli.grading import gen
from mathdl_cli.grading.marks import mark

from ._helpers import fd_plan, softmax_objective, strict_call


def problem(rng, M, d, K, scale=1.0):
    W = scale * rng.standard_normal((K, d))
    b = scale * rng.standard_normal(K)
    X = rng.standard_normal((M, d))
    y = rng.integers(0, K, M)
    return W, b, X, y


def template(K, d):
    return (0.0, np.zeros((K, d)), np.zeros(K))


def fd_check(student, W, b, X, y, rel):
    K, d = W.shape
    points, fd_gradient = fd_plan(np.concatenate([W.ravel(), b]))
    at_points = student.softmax_ce_and_grad.many([(t[: K * d].reshape(K, d), t[K * d :], X, y) for t in points])  # one round trip
    loss, dW, db = expect.like(student.softmax_ce_and_grad(W, b, X, y), template(K, d))  # the call messages name
    expect.close(loss, softmax_objective(W, b, X, y), names="Λ (should be -(1/M) Σ_m log P_{m, y_m})")
    fd = fd_gradient([float(expect.like(r, template(K, d))[0]) for r in at_points])
    expect.gradient(dW, fd[: K * d].reshape(K, d), rel=rel, quantity="∂Λ/∂W against finite differences of your Λ")
    expect.gradient(db, fd[K * d :], rel=rel, quantity="∂Λ/∂b against finite differences of your Λ")


def test_values(student, ref, rng):
    """K=3 classes, d=4 features, M=6 samples"""
    W, b, X, y = problem(rng, 6, 4, 3)
    expect.close(student.softmax_ce_and_grad(W, b, X, y), ref.softmax_ce_and_grad(W, b, X, y))


def test_uniform_closed_form(student, rng):
    """W = 0, b = 0: P = 1/K everywhere, so Λ = log K, ∂Λ/∂b = 1/K - class frequencies"""
    M, d, K = 8, 2, 5
    X = rng.standard_normal((M, d))
    y = rng.integers(0, K, M)
    E = np.zeros((M, K))
    E[np.arange(M), y] = 1.0
    G = (1.0 / K - E) / M
    want = (float(np.log(K)), G.T @ X, G.sum(axis=0))
    expect.close(student.softmax_ce_and_grad(np.zeros((K, d)), np.zeros(K), X, y), want)


def test_gradient_matches_objective(student, rng, tol):
    """your ∂Λ/∂W and ∂Λ/∂b are the derivatives of your Λ (finite differences), K=3, d=2"""
    W, b, X, y = problem(rng, 7, 2, 3)
    fd_check(student, W, b, X, y, tol.fd["rel"])


def test_shift_invariance(student, rng, tol):
    """b ↦ b + c·1 leaves Λ and both gradients unchanged (c = 5)"""
    W, b, X, y = problem(rng, 5, 3, 4)
    got = expect.like(student.softmax_ce_and_grad(W, b, X, y), template(4, 3))
    expect.close(got[0], softmax_objective(W, b, X, y), names="Λ (should be -(1/M) Σ_m log P_{m, y_m})")
    shifted = student.softmax_ce_and_grad(W, b + 5.0, X, y)
    expect.close(shifted, got, tol.invariance, names=["Λ(b + c1) vs Λ(b)", "∂Λ/∂W at b + c1 vs at b", "∂Λ/∂b at b + c1 vs at b"])


def test_large_logits(student, ref, rng):
    """logits of size about 1000: finite, no overflow (shift by the row maximum)"""
    W, b, X, y = problem(rng, 4, 3, 3)
    b = b + 1000.0
    got = strict_call(student, "softmax_ce_and_grad", W, b, X, y, what="Λ, ∂Λ/∂W, ∂Λ/∂b", advice="softmax")
    expect.close(got, ref.softmax_ce_and_grad(W, b, X, y))


def opposite_rows(rng, M, d, K):
    """(W, b, X, y): the logit rows of the batch at opposite extremes, largest logit +1000 in one
    row and smallest -1000 in another, each row's logits within about 50 of each other."""
    X = rng.standard_normal((M, d))
    W1, b = gen.opposite_extremes(rng, X, K, 1000.0)
    return W1.T.copy(), b, X, rng.integers(0, K, M).astype(np.int64)


def test_opposite_rows(student, ref, rng):
    """rows at opposite extremes in one batch (logits near +1000 in one, near -1000 in another): the shift must be each row's own maximum"""
    W, b, X, y = opposite_rows(rng, 5, 3, 4)
    got = strict_call(student, "softmax_ce_and_grad", W, b, X, y, what="Λ, ∂Λ/∂W, ∂Λ/∂b", advice="softmax")
    expect.close(got, ref.softmax_ce_and_grad(W, b, X, y))


@mark.hidden
@mark.weight(2)
@mark.parametrize("M,d,K", [(1, 3, 2), (2, 5, 4), (9, 2, 6), (30, 7, 3)])
def test_hidden_shapes(student, ref, rng, tol, M, d, K):
    """random shapes with K ≠ d, M = 1 and M = 2"""
    W, b, X, y = problem(rng, M, d, K, scale=float(rng.uniform(0.5, 3)))
    expect.close(student.softmax_ce_and_grad(W, b, X, y), ref.softmax_ce_and_grad(W, b, X, y))
    if M <= 9:
        # small weights keep every P_{m,y_m} away from 1: a saturated sample has Λ ≈ 1e-10 with
        # an absolute rounding error ~1e-16, which finite differences cannot resolve
        fd_check(student, *problem(rng, M, d, K, scale=0.5), tol.fd["rel"])


@mark.hidden
@mark.weight(2)
def test_hidden_extreme_logits(student, ref, rng):
    """logits spread over ±1000 (some classes get probability 0.0), and rows at opposite extremes, np.errstate(all="raise")"""
    M, d, K = 10, 4, 5
    W, b, X, y = problem(rng, M, d, K)
    W *= 1000.0 / np.max(np.abs(X @ W.T))
    b = rng.uniform(-200, 200, K)
    got = strict_call(student, "softmax_ce_and_grad", W, b, X, y, what="Λ, ∂Λ/∂W, ∂Λ/∂b", advice="softmax")
    expect.close(got, ref.softmax_ce_and_grad(W, b, X, y))
    W, b, X, y = opposite_rows(rng, int(rng.integers(2, 12)), 4, 3)
    got = strict_call(student, "softmax_ce_and_grad", W, b, X, y, what="Λ, ∂Λ/∂W, ∂Λ/∂b", advice="softmax")
    expect.close(got, ref.softmax_ce_and_grad(W, b, X, y))
