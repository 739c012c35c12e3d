"""Grader for ch10.batchnorm_forward_train: outputs against the reference (2-D
and pooled 4-D), the moments of the output checked directly (mean β, biased
standard deviation |γ| when ε = 0), ε inside the root, tiny batches and a large
offset that defeats the one-pass variance formula."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import affine, batch, pair, random_shape

F = "batchnorm_forward_train"


def _check(student, ref, Z, gamma, beta, eps, tol=None):
    got, _ = pair(student.batchnorm_forward_train(Z, gamma, beta, eps), F)
    want, _ = ref.batchnorm_forward_train(Z, gamma, beta, eps)
    expect.close(got, want, tol, names="BN output")
    return got


def test_values_2d(student, ref, rng):
    """a batch of M = 8 samples with D = 3 features, ε = 1e-5"""
    Z = batch(rng, (8, 3))
    gamma, beta = affine(rng, 3)
    _check(student, ref, Z, gamma, beta, 1e-5)


def test_output_moments(student, rng, tol):
    """with ε = 0 every feature of the output has batch mean β_j and (biased) standard deviation |γ_j|"""
    Z = batch(rng, (6, 4))
    gamma, beta = affine(rng, 4)
    out, _ = pair(student.batchnorm_forward_train(Z, gamma, beta, 0.0), F)
    out = expect.like(out, Z, names="BN output")
    expect.close(out.mean(axis=0), beta, tol.moments, names="batch mean of each output feature (must be β)")
    expect.close(
        out.std(axis=0), np.abs(gamma), tol.moments,
        names="biased std (1/M) of each output feature (must be |γ|; a ratio sqrt((M-1)/M) means ddof=1 was used)",
    )


def test_eps_inside_root(student, ref, rng):
    """a large ε = 0.5 on features of variance about 0.3: ε belongs inside sqrt(σ² + ε)"""
    Z = 0.5 * rng.standard_normal((7, 2)) + 1.0
    gamma, beta = np.ones(2), np.zeros(2)
    _check(student, ref, Z, gamma, beta, 0.5)


def test_values_4d(student, ref, rng):
    """a (2, 3, 4, 5) batch: statistics per channel, pooled over batch and spatial positions"""
    Z = batch(rng, (2, 3, 4, 5))
    gamma, beta = affine(rng, 3)
    _check(student, ref, Z, gamma, beta, 1e-5)


def test_moments_4d(student, rng, tol):
    """4-D, ε = 0: each channel's output, pooled over (m, h, w), has mean β_c and std |γ_c|"""
    Z = batch(rng, (3, 2, 4, 5))
    gamma, beta = affine(rng, 2)
    out, _ = pair(student.batchnorm_forward_train(Z, gamma, beta, 0.0), F)
    out = expect.like(out, Z, names="BN output")
    expect.close(out.mean(axis=(0, 2, 3)), beta, tol.moments, names="mean of each output channel over (m, h, w) (must be β)")
    expect.close(out.std(axis=(0, 2, 3)), np.abs(gamma), tol.moments, names="std of each output channel over (m, h, w) (must be |γ|)")


def test_tiny_batches(student, ref, rng):
    """M = 1 (Z - μ = 0, so out = β exactly) and M = 2 (Ẑ = ±1 up to ε)"""
    gamma, beta = affine(rng, 3)
    out = _check(student, ref, batch(rng, (1, 3)), gamma, beta, 1e-5)
    expect.close(out, beta[None, :], expect.Tol(0.0, 1e-12), names="BN output for a single sample (must be β)")
    _check(student, ref, batch(rng, (2, 3)), gamma, beta, 1e-5)


@mark.hidden
@mark.weight(2)
@mark.parametrize("M", [1, 2, 3])
def test_hidden_tiny_batches(student, ref, rng, M):
    """M = 1, 2, 3 (M = 3 exposes ddof=1; M = 1 gives out = β)"""
    Z = batch(rng, (M, 5))
    gamma, beta = affine(rng, 5)
    _check(student, ref, Z, gamma, beta, 1e-5)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random_shapes(student, ref, rng, trial):
    """random 2-D and 4-D shapes with pairwise-distinct sizes and random ε"""
    shape = random_shape(rng, four_d=bool(trial % 2))
    Z = batch(rng, shape)
    gamma, beta = affine(rng, shape[1])
    eps = float(10 ** rng.uniform(-8, -1))
    _check(student, ref, Z, gamma, beta, eps)


@mark.hidden
def test_hidden_4d_width_equals_channels(student, ref, rng):
    """4-D with W = C (a (C,) vector broadcast along the last axis would not raise)"""
    Z = batch(rng, (3, 4, 2, 4))
    gamma, beta = affine(rng, 4)
    _check(student, ref, Z, gamma, beta, 1e-5)


def test_large_offset(student, ref, rng, tol):
    """features with mean ~1e5 and standard deviation ~1: compute σ² from Z - μ (mean(Z²) - μ² cancels)"""
    Z = batch(rng, (40, 3), offset=1e5)
    gamma, beta = affine(rng, 3)
    _check(student, ref, Z, gamma, beta, 1e-5, tol.offset)


@mark.hidden
def test_hidden_large_offset(student, ref, rng, tol):
    """features with mean ~-1e6 and standard deviation ~1, M = 3"""
    Z = batch(rng, (3, 4), offset=-1e6)
    gamma, beta = affine(rng, 4)
    _check(student, ref, Z, gamma, beta, 1e-5, tol.offset)
