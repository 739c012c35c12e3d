"""Grader for ch10.running_stats: one update against the reference, five
updates against the unrolled exponential average, and the Bessel factor
n/(n-1) with n = M·H·W for 4-D batches."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import batch, feature_axes, random_shape


def test_one_update(student, ref, rng):
    """one update from (μ̄, v̄) = (0, 1) with momentum 0.1, M = 10, D = 3, then with the default momentum (0.1)"""
    Z = batch(rng, (10, 3))
    rm, rv = np.zeros(3), np.ones(3)
    expect.close(student.update_running_stats(Z, rm, rv, 0.1), ref.update_running_stats(Z, rm, rv, 0.1))
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    expect.close(student.update_running_stats(Z, rm, rv), ref.update_running_stats(Z, rm, rv, 0.1))


def test_five_updates_unrolled(student, rng):
    """five batches: μ̄_5 = (1-m)^5 μ̄_0 + Σ_k m (1-m)^(5-k) μ_k, and likewise v̄ with the unbiased variances"""
    m, D = 0.2, 4
    batches = [batch(rng, (6, D)) for _ in range(5)]
    rm0, rv0 = rng.standard_normal(D), rng.uniform(0.5, 2.0, D)
    rm, rv = rm0, rv0
    for Z in batches:
        rm, rv = expect.like(student.update_running_stats(Z, rm, rv, m), (rm0, rv0))
    weights = [m * (1 - m) ** (4 - k) for k in range(5)]
    want_mean = (1 - m) ** 5 * rm0 + sum(w * Z.mean(axis=0) for w, Z in zip(weights, batches))
    want_var = (1 - m) ** 5 * rv0 + sum(w * Z.var(axis=0, ddof=1) for w, Z in zip(weights, batches))
    expect.close((rm, rv), (want_mean, want_var), names=["running mean after 5 updates", "running variance after 5 updates (unbiased batch variances, ddof=1)"])


def test_4d_single_sample(student, ref, rng):
    """a (1, 3, 4, 5) batch: n = M·H·W = 20 values per channel, so the factor is 20/19"""
    Z = batch(rng, (1, 3, 4, 5))
    rm, rv = np.zeros(3), np.ones(3)
    expect.close(student.update_running_stats(Z, rm, rv, 0.1), ref.update_running_stats(Z, rm, rv, 0.1))


def test_momentum_one(student, rng):
    """momentum 1 forgets the past: (μ̄, v̄) becomes (μ_B, n σ_B²/(n-1))"""
    Z = batch(rng, (5, 2))
    got = student.update_running_stats(Z, np.full(2, 7.0), np.full(2, 9.0), 1.0)
    expect.close(got, (Z.mean(axis=0), Z.var(axis=0, ddof=1)), names=["running mean", "running variance (the unbiased batch variance, ddof=1)"])


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random 2-D and 4-D shapes (M = 2 included), momenta and starting statistics"""
    shape = random_shape(rng, four_d=bool(trial % 2), min_batch=2)
    Z = batch(rng, shape)
    C = shape[1]
    rm, rv = rng.standard_normal(C), rng.uniform(0.1, 3.0, C)
    m = float(rng.uniform(0.01, 0.9))
    expect.close(student.update_running_stats(Z, rm, rv, m), ref.update_running_stats(Z, rm, rv, m))


@mark.hidden
def test_hidden_two_samples(student, rng):
    """M = 2: the unbiased variance is twice the biased one"""
    Z = batch(rng, (2, 5))
    rm, rv = np.zeros(5), np.zeros(5)
    got = student.update_running_stats(Z, rm, rv, 0.5)
    d = Z[0] - Z[1]
    expect.close(got, (0.25 * (Z[0] + Z[1]), 0.5 * (d * d / 2)))


@mark.hidden
def test_hidden_default_momentum(student, ref, rng):
    """the default momentum is 0.1 (4-D batch)"""
    Z = batch(rng, (3, 2, 3, 4))
    axes = feature_axes(4)
    rm, rv = Z.mean(axis=axes) + 1.0, np.ones(2)
    expect.close(student.update_running_stats(Z, rm, rv), ref.update_running_stats(Z, rm, rv, 0.1))
