"""Grader for ch18.minibatch_variance.

Exact oracles: the covariance of the minibatch mean over all C(M, B) subsets
(without replacement) or all M^B ordered draws (with replacement), enumerated here
for small M; the pinned cases B = M (no noise), B = 1 (Σ itself), M = 1 (0), the
ValueError for B > M without replacement, and gradients with a common offset 10⁶.
"""

import itertools

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def enumerated(G, B, replace):
    """Cov of (1/B) Σ_b g_{i_b} over every equally likely draw, computed by brute force"""
    M = G.shape[0]
    draws = itertools.product(range(M), repeat=B) if replace else itertools.combinations(range(M), B)
    means = np.array([G[list(d)].mean(axis=0) for d in draws])
    centred = means - means.mean(axis=0)
    return centred.T @ centred / len(means)


def _vs_enumeration(student, G, B, replace):
    got = student.minibatch_grad_cov(G, B, replace)
    how = "with replacement: all M^B ordered draws" if replace else "without replacement: all C(M, B) subsets"
    expect.close(got, enumerated(G, B, replace), names=f"Cov of the minibatch mean (M = {G.shape[0]}, B = {B}; brute force over {how})")


def test_small(student, ref, rng):
    """M = 6, p = 2, B = 2, without replacement"""
    G = rng.standard_normal((6, 2))
    expect.close(student.minibatch_grad_cov(G, 2, False), ref.minibatch_grad_cov(G, 2, False))


def test_enumeration_without_replacement(student, rng):
    """M = 8, B = 3, p = 3: against the covariance over all 56 subsets"""
    _vs_enumeration(student, rng.standard_normal((8, 3)), 3, False)


def test_enumeration_with_replacement(student, rng):
    """M = 5, B = 3, p = 2: against the covariance over all 125 ordered draws"""
    _vs_enumeration(student, rng.standard_normal((5, 2)), 3, True)


def test_full_batch(student, rng):
    """B = M without replacement: the full batch has no noise (the covariance is 0)"""
    G = rng.standard_normal((7, 3))
    expect.close(student.minibatch_grad_cov(G, 7, False), np.zeros((3, 3)), names="Cov at B = M (without replacement)")


def test_single_sample(student, rng):
    """B = 1: Σ itself, with and without replacement (p = 1 gives a (1, 1) matrix)"""
    G = rng.standard_normal((9, 1))
    sigma = np.array([[np.var(G[:, 0])]])
    for replace in (False, True):
        expect.close(student.minibatch_grad_cov(G, 1, replace), sigma, names=f"Cov at B = 1 (replace={replace}): Σ with ddof = 0")


def test_one_example(student, rng):
    """M = 1: no randomness at all, the covariance is 0 (B = 1 without, B = 3 with replacement)"""
    G = rng.standard_normal((1, 2))
    expect.close(student.minibatch_grad_cov(G, 1, False), np.zeros((2, 2)), names="Cov for M = 1, B = 1")
    expect.close(student.minibatch_grad_cov(G, 3, True), np.zeros((2, 2)), names="Cov for M = 1, B = 3 with replacement")


def test_batch_larger_than_data(student, rng):
    """B = 5 > M = 4 without replacement raises ValueError; with replacement it is Σ/5"""
    G = rng.standard_normal((4, 2))
    expect.raises(lambda: student.minibatch_grad_cov(G, 5, False), "ValueError", "B > M without replacement must raise ValueError",
                  quantity="minibatch_grad_cov(G, 5, False)")
    _vs_enumeration(student, G, 5, True)


def test_large_offset(student, rng):
    """every g_m ≈ 10⁶: Σ from the centred gradients (E[ggᵀ] - ḡḡᵀ loses every digit)"""
    G = 1e6 + rng.standard_normal((6, 2))
    D = G - G.mean(axis=0)
    want = D.T @ D / 6 / 2 * (6 - 2) / 5
    expect.close(student.minibatch_grad_cov(G, 2, False), want, expect.Tol(1e-9, 1e-12), names="Cov for gradients with offset 10⁶ (M = 6, B = 2)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_enumeration(student, rng, trial):
    """random M ≤ 7, p, B and both kinds of sampling, against brute force"""
    M = int(rng.integers(2, 8))
    replace = bool(trial % 2)
    B = int(rng.integers(1, M + 1)) if not replace else int(rng.integers(1, 5))
    G = rng.standard_normal((M, int(rng.integers(1, 5)))) * 10 ** rng.uniform(-2, 2)
    _vs_enumeration(student, G, B, replace)


@mark.hidden
@mark.parametrize("trial", range(2))
def test_hidden_large(student, ref, rng, trial):
    """M up to 500, p up to 20, against the reference"""
    M, p = int(rng.integers(50, 500)), int(rng.integers(1, 20))
    G = rng.standard_normal((M, p)) @ rng.standard_normal((p, p)) + rng.standard_normal(p)
    B = int(rng.integers(1, M + 1))
    expect.close(student.minibatch_grad_cov(G, B, bool(trial)), ref.minibatch_grad_cov(G, B, bool(trial)))
