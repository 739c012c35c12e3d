"""Grader for ch15.optimal_discriminator: closed forms (p = q gives D* = ½ and
V = -log 4; disjoint supports give D* ∈ {0, 1} and V = 0), the identity
V = -log 4 + 2 JSD(p ‖ q) with JSD computed here from the KL to the mixture,
pointwise optimality p(1 - D*) = q D* on the support, and the reference."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

LOG4 = float(np.log(4.0))


def _jsd(p, q):
    """JSD(p ‖ q) = ½ KL(p ‖ μ) + ½ KL(q ‖ μ), μ = (p + q)/2, natural log, 0 log 0 = 0."""
    mix = 0.5 * (p + q)
    kl = lambda a: float(np.sum(a[a > 0] * np.log(a[a > 0] / mix[a > 0])))  # noqa: E731
    return 0.5 * kl(p) + 0.5 * kl(q)


def _dist(rng, n, zeros=()):
    w = rng.dirichlet(np.ones(n))
    w[list(zeros)] = 0.0
    return w / w.sum()


def _pair(rng, n):
    """p and q with a zero of p only, a zero of q only and a common zero."""
    p = _dist(rng, n, zeros=(1, n - 1))
    q = _dist(rng, n, zeros=(2, n - 1))
    return p, q


def _result(student, p, q):
    return expect.like(student.optimal_discriminator_value(p, q), (np.zeros(p.shape), 0.0))


def test_equal_distributions(student, rng):
    """p = q: D* = ½ everywhere and V = -log 4 (the generator has won)"""
    p = _dist(rng, 6)
    got = student.optimal_discriminator_value(p, p.copy())
    expect.close(got, (np.full(6, 0.5), -LOG4))


def test_disjoint_supports(student, rng):
    """disjoint supports: D* = 1 on p's support, 0 on q's, and V = 0 (0·log 0 = 0)"""
    n = int(rng.integers(4, 9))
    on_p = rng.permutation(n) < n // 2  # p lives on half of the points, q on the others
    p, q = np.where(on_p, rng.uniform(0.1, 1.0, n), 0.0), np.where(on_p, 0.0, rng.uniform(0.1, 1.0, n))
    p, q = p / p.sum(), q / q.sum()
    expect.close(student.optimal_discriminator_value(p, q), (on_p.astype(np.float64), 0.0))


def test_values(student, ref, rng):
    """n = 7 with a zero of p, a zero of q and a common zero (D* = ½ there)"""
    p, q = _pair(rng, 7)
    expect.close(student.optimal_discriminator_value(p, q), ref.optimal_discriminator_value(p, q))


def test_jensen_shannon(student, rng):
    """V(D*, G) = -log 4 + 2 JSD(p ‖ q), with JSD from the KL to the mixture (n = 9)"""
    p, q = _pair(rng, 9)
    _, value = _result(student, p, q)
    expect.close(value, -LOG4 + 2 * _jsd(p, q), names="V(D*, G) (must be -log 4 + 2 JSD(p ‖ q), natural logs)")


def test_pointwise_optimal(student, rng):
    """D* solves p/D - q/(1 - D) = 0 on the support: p(1 - D*) = q D*"""
    p, q = _pair(rng, 8)
    D, _ = _result(student, p, q)
    support = (p + q) > 0
    lhs, rhs = p[support] * (1 - D[support]), q[support] * D[support]
    expect.close(lhs, rhs, expect.Tol(1e-12, 1e-15), names="p(x)(1 - D*(x)) vs q(x) D*(x) on the support")


def test_tiny_probabilities(student, ref, rng):
    """entries near 1e-20 next to entries near 0.3: log(1 - D*) must not cancel to log 0"""
    tiny = 10.0 ** rng.uniform(-22, -18, 3)
    p = np.array([0.3, 0.3, 0.4, tiny[0], tiny[1]])
    q = np.array([tiny[2], 0.5, 0.5, 0.0, tiny[1]])
    order = rng.permutation(5)
    p, q = p[order] / p.sum(), q[order] / q.sum()
    expect.close(student.optimal_discriminator_value(p, q), ref.optimal_discriminator_value(p, q))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random n (n = 1 and 2 included) with random zeros in p, q or both"""
    n = int(rng.choice([1, 2, 5, 12]))
    p = _dist(rng, n, zeros=[i for i in range(n) if rng.uniform() < 0.25 and i != 0])
    q = _dist(rng, n, zeros=[i for i in range(n) if rng.uniform() < 0.25 and i != n - 1])
    got = student.optimal_discriminator_value(p, q)
    expect.close(got, ref.optimal_discriminator_value(p, q))
    expect.close(got[1], -LOG4 + 2 * _jsd(p, q), names="V(D*, G) vs -log 4 + 2 JSD")


@mark.hidden
def test_hidden_tiny(student, ref, rng):
    """probabilities spanning 1e-30 to 1"""
    n = 10
    p = 10.0 ** rng.uniform(-30, 0, n)
    q = 10.0 ** rng.uniform(-30, 0, n)
    p[3] = q[7] = 0.0
    p, q = p / p.sum(), q / q.sum()
    expect.close(student.optimal_discriminator_value(p, q), ref.optimal_discriminator_value(p, q))
