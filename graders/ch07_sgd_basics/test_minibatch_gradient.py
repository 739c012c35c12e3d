"""Grader for ch07.minibatch_gradient.

Values against the reference and against central differences of the stated
minibatch objective Λ_B; then the theory, on the student's own function only:
averaged over ALL batches of a fixed size the minibatch gradient equals the
full gradient, and its covariance is (M-B)/(M-1)·Σ/B without replacement and
Σ/B with replacement, Σ being the (1/M) covariance of the per-sample gradients
g(θ; {m}). The enumerations are exact, so the tolerances are rounding-level.
"""

import itertools

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def _data(rng, M, d):
    X = rng.standard_normal((M, d))
    y = X @ rng.standard_normal(d) + 0.3 * rng.standard_normal(M)
    return X, y


def _batch_objective(theta, X, y, idx):
    """Λ_B(θ) = (1/(2|B|)) Σ_{m ∈ B} (θ·x_m - y_m)², repeats counted."""
    r = X[idx] @ theta - y[idx]
    return float(r @ r) / (2 * len(idx))


def _fd_check(student, theta, X, y, idx, rel):
    got = expect.like(student.minibatch_grad(theta, X, y, idx), np.zeros_like(theta))
    fd = np.empty_like(theta)
    for i in range(theta.size):
        h = 1e-6 * max(1.0, abs(theta[i]))
        e = np.zeros_like(theta)
        e[i] = h
        fd[i] = (_batch_objective(theta + e, X, y, idx) - _batch_objective(theta - e, X, y, idx)) / (2 * h)
    expect.gradient(got, fd, rel=rel, quantity=f"g(θ; B) against central differences of Λ_B with idx = {idx.tolist()}")


def _moments(student, theta, X, y, batches):
    outs = student.minibatch_grad.many([(theta, X, y, np.array(b, dtype=np.int64)) for b in batches])  # one round trip
    gs = np.array([expect.like(g, theta) for g in outs])
    mean = gs.mean(axis=0)
    return mean, (gs - mean).T @ (gs - mean) / len(gs)


def _per_sample(student, theta, X, y):
    """The student's full gradient (checked against Xᵀ(Xθ - y)/M, so that all-zero gradients
    cannot pass the moment identities) and the covariance Σ of the per-sample gradients."""
    M = X.shape[0]
    full = expect.like(student.minibatch_grad(theta, X, y, np.arange(M, dtype=np.int64)), theta)
    expect.close(full, X.T @ (X @ theta - y) / M, names="g(θ; [0, ..., M-1]) (the full gradient Xᵀ(Xθ - y)/M)")
    per = np.array(student.minibatch_grad.many([(theta, X, y, np.array([m], dtype=np.int64)) for m in range(M)]))  # one round trip
    sigma = (per - per.mean(axis=0)).T @ (per - per.mean(axis=0)) / M
    return full, sigma


def test_values(student, ref, rng):
    """M=6, d=3, idx=[4, 1, 3]"""
    X, y = _data(rng, 6, 3)
    theta = rng.standard_normal(3)
    idx = np.array([4, 1, 3], dtype=np.int64)
    expect.close(student.minibatch_grad(theta, X, y, idx), ref.minibatch_grad(theta, X, y, idx))


def test_repeated_indices(student, ref, rng):
    """idx=[2, 2, 5]: a repeated sample counts twice, g = (2 g_2 + g_5)/3; and a batch longer than the data set"""
    X, y = _data(rng, 6, 3)
    theta = rng.standard_normal(3)
    idx = np.array([2, 2, 5], dtype=np.int64)
    long = rng.integers(0, 6, size=int(rng.integers(7, 12))).astype(np.int64)
    batches = [np.array([2], dtype=np.int64), np.array([5], dtype=np.int64), idx, long]
    g2, g5, got, got_long = student.minibatch_grad.many([(theta, X, y, b) for b in batches])  # one round trip
    g2, g5, got = (expect.like(g, theta) for g in (g2, g5, got))
    expect.close(got, (2 * g2 + g5) / 3, names="g(θ; [2, 2, 5]) vs (2·g(θ; [2]) + g(θ; [5]))/3 from your own function")
    expect.close(got, ref.minibatch_grad(theta, X, y, idx))
    expect.close(got_long, ref.minibatch_grad(theta, X, y, long))


def test_finite_differences(student, rng, tol):
    """g(θ; B) is the gradient of Λ_B(θ) = (1/(2|B|)) Σ_B (θ·x_m - y_m)² (central differences)"""
    X, y = _data(rng, 9, 4)
    _fd_check(student, rng.standard_normal(4), X, y, np.array([7, 0, 3, 3, 8], dtype=np.int64), tol.fd["rel"])


def test_unbiased_without_replacement(student, rng, tol):
    """over all C(6,3)=20 batches: mean = full gradient, covariance = (M-B)/(M-1)·Σ/B"""
    M, B = 6, 3
    X, y = _data(rng, M, 3)
    theta = rng.standard_normal(3)
    full, sigma = _per_sample(student, theta, X, y)
    mean, cov = _moments(student, theta, X, y, itertools.combinations(range(M), B))
    expect.close(mean, full, names="average of g(θ; B) over all 20 subsets of size 3 vs your full gradient g(θ; [0..5])")
    expect.close(cov, (M - B) / (M - 1) * sigma / B, tol.moment,
                 names="covariance of g(θ; B) over the 20 subsets vs (M-B)/(M-1)·Σ/B (Σ from your per-sample gradients)")


def test_unbiased_with_replacement(student, rng, tol):
    """over all 3³=27 ordered draws with replacement: mean = full gradient, covariance = Σ/B"""
    M, B = 3, 3
    X, y = _data(rng, M, 2)
    theta = rng.standard_normal(2)
    full, sigma = _per_sample(student, theta, X, y)
    mean, cov = _moments(student, theta, X, y, itertools.product(range(M), repeat=B))
    expect.close(mean, full, names="average of g(θ; B) over all 27 ordered draws vs your full gradient g(θ; [0, 1, 2])")
    expect.close(cov, sigma / B, tol.moment,
                 names="covariance of g(θ; B) over the 27 draws with replacement vs Σ/B (repeats must count twice)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_shapes(student, ref, rng, tol, trial):
    """M = 1, M = 2 and random shapes; batch sizes 1, 2 and random, with repeats"""
    M = [1, 2, int(rng.integers(3, 15)), int(rng.integers(3, 15))][trial]
    d = int(rng.integers(1, 7))
    X, y = _data(rng, M, d)
    theta = 2 * rng.standard_normal(d)
    B = [1, 2, int(rng.integers(1, 2 * M + 2)), M][trial]
    idx = rng.integers(0, M, size=B).astype(np.int64)
    expect.close(student.minibatch_grad(theta, X, y, idx), ref.minibatch_grad(theta, X, y, idx))
    _fd_check(student, theta, X, y, idx, tol.fd["rel"])


@mark.hidden
def test_hidden_unbiased(student, rng, tol):
    """random data, all C(6,2) subsets and all 3³ draws with replacement (M = 3, B = 3)"""
    d = int(rng.integers(2, 5))
    X, y = _data(rng, 6, d)
    theta = rng.standard_normal(d)
    full, sigma = _per_sample(student, theta, X, y)
    mean, cov = _moments(student, theta, X, y, itertools.combinations(range(6), 2))
    expect.close(mean, full)
    expect.close(cov, (6 - 2) / 5 * sigma / 2, tol.moment)
    full3, sigma3 = _per_sample(student, theta, X[:3], y[:3])
    mean, cov = _moments(student, theta, X[:3], y[:3], itertools.product(range(3), repeat=3))
    expect.close(mean, full3)
    expect.close(cov, sigma3 / 3, tol.moment)
