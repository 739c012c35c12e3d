"""Grader for ch10.batchnorm_forward_eval: values against the reference; each
sample's output independent of the rest of the batch; agreement with the
training transform when the running statistics equal the batch statistics."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import affine, batch, random_shape


def _stats(rng, C):
    return rng.standard_normal(C), rng.uniform(0.2, 4.0, C)


def test_values_2d(student, ref, rng):
    """M = 5, D = 3 with running statistics (μ̄, v̄), one running variance exactly 0 (ε alone under the root)"""
    Z = batch(rng, (5, 3))
    gamma, beta = affine(rng, 3)
    rm, rv = _stats(rng, 3)
    expect.close(student.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5), ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5))
    rv[int(rng.integers(3))] = 0.0
    expect.close(student.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-3), ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-3))


def test_samples_are_independent(student, ref, rng, tol):
    """a sample's output does not depend on the other samples (batch permuted, and one sample alone)"""
    Z = batch(rng, (6, 4))
    gamma, beta = affine(rng, 4)
    rm, rv = _stats(rng, 4)
    perm = rng.permutation(6)
    full, permuted, alone = student.batchnorm_forward_eval.many([(Z_, gamma, beta, rm, rv, 1e-5) for Z_ in (Z, Z[perm], Z[2:3])])  # one round trip
    expect.close(full, ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5))  # a constant output is independent too
    permuted = expect.like(permuted, Z)
    expect.close(permuted, full[perm], tol.rows, names="eval output of the permuted batch vs the permuted eval output (batch statistics must not be used)")
    alone = expect.like(alone, Z[2:3])
    expect.close(alone, full[2:3], tol.rows, names="eval output of sample 2 alone vs inside the batch")


def test_matches_training_with_batch_statistics(student, ref, rng):
    """with μ̄ = μ_B and v̄ = σ_B² (biased) the eval output equals the training output"""
    Z = batch(rng, (8, 3))
    gamma, beta = affine(rng, 3)
    want, _ = ref.batchnorm_forward_train(Z, gamma, beta, 1e-5)
    got = student.batchnorm_forward_eval(Z, gamma, beta, Z.mean(axis=0), Z.var(axis=0), 1e-5)
    expect.close(got, want, names="eval output with the batch's own statistics vs the training output")


def test_values_4d(student, ref, rng):
    """a (2, 3, 4, 5) batch: statistics per channel"""
    Z = batch(rng, (2, 3, 4, 5))
    gamma, beta = affine(rng, 3)
    rm, rv = _stats(rng, 3)
    expect.close(student.batchnorm_forward_eval(Z, gamma, beta, rm, rv), ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random 2-D and 4-D shapes (M = 1 included), ε and running statistics"""
    shape = random_shape(rng, four_d=bool(trial % 2))
    Z = batch(rng, shape)
    gamma, beta = affine(rng, shape[1])
    rm, rv = _stats(rng, shape[1])
    eps = float(10 ** rng.uniform(-6, -1))
    expect.close(student.batchnorm_forward_eval(Z, gamma, beta, rm, rv, eps), ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, eps))


@mark.hidden
def test_hidden_4d_width_equals_channels(student, ref, rng):
    """4-D with W = C, and a single sample"""
    Z = batch(rng, (1, 3, 2, 3))
    gamma, beta = affine(rng, 3)
    rm, rv = _stats(rng, 3)
    expect.close(student.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5), ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5))


@mark.hidden
def test_hidden_tiny_and_huge_variance(student, ref, rng):
    """running variances 0, 1e-6 and 1e4 next to each other"""
    Z = batch(rng, (4, 3))
    gamma, beta = affine(rng, 3)
    rm, rv = np.zeros(3), rng.permutation([0.0, 1e-6, 1e4])
    expect.close(student.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5), ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5))


@mark.hidden
def test_hidden_independent_4d(student, ref, rng, tol):
    """4-D: one sample alone gives the same output as inside the batch"""
    Z = batch(rng, (4, 2, 3, 5))
    gamma, beta = affine(rng, 2)
    rm, rv = _stats(rng, 2)
    full = student.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5)
    expect.close(full, ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-5))
    alone = expect.like(student.batchnorm_forward_eval(Z[3:], gamma, beta, rm, rv, 1e-5), Z[3:])
    expect.close(alone, full[3:], tol.rows)
