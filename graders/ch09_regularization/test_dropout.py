"""Grader for ch09.dropout: both conventions against the reference; the exact
expectation over all 2^10 masks (E_R[train] = test); the backward pass as the
derivative of the student's own forward pass; sample_mask by its support (1-D
to 3-D shapes, p = 0 and 1), its use of rng, and a Hoeffding test of the keep
rate at a keep probability drawn from the seed between two hundredths (so a
sampler quantised to hundredths fails)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark
from mathdl_cli.grading.proxies import zero_one

from ._helpers import MASK_SHAPE, MASK_T, all_patterns, keep_probability, mask_rate_deviation, pattern_weights

CONVENTIONS = [False, True]


def _name(inverted):
    return "inverted" if inverted else "book (non-inverted)"


def _mask(rng, shape, p):
    return (rng.random(shape) < p).astype(np.float64)


@mark.parametrize("inverted", CONVENTIONS, ids=["book", "inverted"])
def test_forward_values(student, ref, rng, inverted):
    """forward pass in training and in test mode on a (4, 5) batch with p = 0.8"""
    A = rng.standard_normal((4, 5))
    mask = _mask(rng, A.shape, 0.8)
    modes = ("train", "test")
    for got, mode in zip(student.dropout_forward.many([(A, mask, 0.8, mode, inverted) for mode in modes]), modes):  # one round trip
        expect.close(got, ref.dropout_forward(A, mask, 0.8, mode, inverted))


def test_forward_any_shape(student, ref, rng):
    """A of any shape: a 1-D vector and a 3-D array, both conventions, p drawn from the seed"""
    p = float(rng.uniform(0.2, 0.9))
    cases = []
    for shape in [(7,), (3, 2, 4)]:
        A = rng.standard_normal(shape)
        cases.append((A, _mask(rng, shape, p)))
    fwd_args, bwd_args, fwd_want, bwd_want = [], [], [], []
    for A, mask in cases:  # the reference in the same order as the checks were written
        for inverted in CONVENTIONS:
            for mode in ("train", "test"):
                fwd_args.append((A, mask, p, mode, inverted))
                fwd_want.append(ref.dropout_forward(A, mask, p, mode, inverted))
            bwd_args.append((A, mask, p, inverted))
            bwd_want.append(ref.dropout_backward(A, mask, p, inverted))
    # every forward call in one round trip and checked, then every backward call (a
    # function's results are checked right after its own batch, so that a failure
    # names that function's call and quantities)
    for got, want in zip(student.dropout_forward.many(fwd_args), fwd_want):
        expect.close(got, want)
    for got, want in zip(student.dropout_backward.many(bwd_args), bwd_want):
        expect.close(got, want)


@mark.parametrize("inverted", CONVENTIONS, ids=["book", "inverted"])
def test_expectation_over_all_masks(student, rng, tol, inverted):
    """E_R[train output] = test output, exactly, averaging over all 2^10 masks (p = 0.7)"""
    n, p = 10, 0.7
    a = rng.standard_normal(n)
    patterns = all_patterns(n)
    weights = pattern_weights(patterns, p)
    A = np.tile(a, (patterns.shape[0], 1))
    train, test = student.dropout_forward.many([(A, patterns, p, "train", inverted), (a, np.ones(n), p, "test", inverted)])  # one round trip
    train = expect.like(train, A)
    test = expect.like(test, a)
    mean = weights @ train
    expect.close(
        mean, test, tol.expectation,
        names=f"Σ_R P(R) × (train output) vs your test output ({_name(inverted)} convention; the two must agree for the test rule to be unbiased)",
    )
    # the identity alone also holds for outputs that ignore the mask (or are 0): the values must be the docstring's
    expect.close(train, patterns * a / (p if inverted else 1.0), names=f"train output for every mask ({_name(inverted)} convention)")


@mark.parametrize("inverted", CONVENTIONS, ids=["book", "inverted"])
def test_backward_values(student, ref, rng, inverted):
    """backward pass on a (3, 6) batch with p = 0.6"""
    dOut = rng.standard_normal((3, 6))
    mask = _mask(rng, dOut.shape, 0.6)
    expect.close(student.dropout_backward(dOut, mask, 0.6, inverted), ref.dropout_backward(dOut, mask, 0.6, inverted))


def _backward_vs_forward(student, ref, rng, shape, p, inverted):
    """∂/∂A Σ dOut ⊙ H(A), by central differences of the student's training forward pass."""
    A = rng.standard_normal(shape)
    dOut = rng.standard_normal(shape)
    mask = _mask(rng, shape, p)
    n = A.size
    h = 1e-3  # H is linear in A: central differences are exact up to rounding
    E = np.eye(n).reshape((n,) + shape)
    stacked = np.concatenate([A + h * E, A - h * E])  # (2n, *shape): all perturbations in one call
    tiled = np.broadcast_to(mask, stacked.shape).copy()
    out, at_A = student.dropout_forward.many([(stacked, tiled, p, "train", inverted), (A, mask, p, "train", inverted)])  # one round trip
    out = expect.like(out, stacked)
    L = (out * dOut).reshape(2 * n, -1).sum(axis=1)
    fd = ((L[:n] - L[n:]) / (2 * h)).reshape(shape)
    # a derivative of a wrong (or zero) forward pass proves nothing: the forward pass must be right first
    expect.close(at_A, ref.dropout_forward(A, mask, p, "train", inverted))
    got = student.dropout_backward(dOut, mask, p, inverted)
    expect.close(got, fd, expect.Tol(1e-9, 1e-11), names=f"∂Λ/∂A vs the derivative of your training forward pass ({_name(inverted)})")


@mark.parametrize("inverted", CONVENTIONS, ids=["book", "inverted"])
def test_backward_is_derivative_of_forward(student, ref, rng, inverted):
    """your backward pass is the derivative of your forward pass (finite differences)"""
    _backward_vs_forward(student, ref, rng, (2, 4), 0.5, inverted)


def _support(shape, got):
    """``got``: what sample_mask(shape, p, rng) returned (a batched call)."""
    mask = expect.like(got, np.zeros(shape))
    bad = ~np.isin(mask, (0.0, 1.0))
    expect.that(not bad.any(), "every entry of the mask is 0.0 or 1.0", quantity="mask R", detail=f"shape {shape}: {int(bad.sum())} entries are neither, e.g. {mask[bad][:3]}")
    return mask


def _support_and_boundaries(student, rng, shapes):
    # rng is sent with its state and is not advanced by the calls: every call sees the same state, as before
    *outs, ones, zeros = student.sample_mask.many([(shape, 0.5, rng) for shape in shapes] + [((4, 3), 1.0, rng), ((4, 3), 0.0, rng)])  # one round trip
    for shape, got in zip(shapes, outs):
        _support(shape, got)
    ones = expect.like(ones, np.zeros((4, 3)))
    expect.close(ones, np.ones((4, 3)), expect.Tol(0, 0), names="mask R with p_keep = 1 (keep everything)")
    zeros = expect.like(zeros, np.zeros((4, 3)))
    expect.close(zeros, np.zeros((4, 3)), expect.Tol(0, 0), names="mask R with p_keep = 0 (drop everything)")


def test_sample_mask_support(student, rng):
    """sample_mask returns float64 zeros and ones of the requested shape (1-D, 2-D, 3-D; p_keep = 0 and 1)"""
    a, b, c = (int(v) for v in rng.integers(2, 12, 3))
    _support_and_boundaries(student, rng, [(3 * a, b), (a + b,), (a, 1, c)])


def test_sample_mask_uses_rng(student, rng):
    """the mask depends only on the state of rng: same state, same mask; new state, new mask"""
    shape = (int(rng.integers(20, 30)), int(rng.integers(10, 15)))  # at least 200 entries
    first, again = student.sample_mask.many([(shape, 0.5, rng), (shape, 0.5, rng)])  # one round trip; rng is sent with the same state
    first = expect.like(first, np.zeros(shape))
    again = expect.like(again, np.zeros(shape))
    expect.that(
        np.array_equal(first, again),
        "two calls with generators in the same state must return the same mask: draw only from rng, never from np.random.* or a new default_rng",
        quantity="mask R", detail=f"{int((first != again).sum())} of {first.size} entries differ",
    )
    other = np.random.default_rng(int(rng.integers(2**63)))
    second = expect.like(student.sample_mask(shape, 0.5, other), np.zeros(shape))
    # two independent masks of ≥ 200 fair coins coincide with probability ≤ 2^-200
    expect.that(
        not np.array_equal(first, second),
        "generators in different states must give different masks: the mask must be drawn from rng (not from a fixed seed)",
        quantity="mask R",
    )


def _keep_rate(student, rng):
    p = keep_probability(rng)
    # a float64 mask of 0s and 1s crosses as bools (2 MB, not 16); any other result whole, judged as ever
    mask = zero_one(student.sample_mask, like=np.zeros(MASK_SHAPE))(MASK_SHAPE, p, rng)
    dev = mask_rate_deviation(mask, p)
    # Hoeffding: P(|mean - p| ≥ 0.0022) ≤ 2 exp(-2·2·10⁶·0.0022²) ≈ 7.9e-9 (FFP); see _helpers.MASK_T
    expect.that(
        dev < MASK_T,
        f"P(R = 1) must be p_keep = {p:.5f} (the KEEP probability), for every p_keep, not only round ones",
        quantity="mask R",
        detail=f"fraction of ones {mask.mean():.5f}, expected {p:.5f} ± {MASK_T}",
    )
    return mask


def test_sample_mask_keep_rate(student, rng):
    """the fraction of ones in 2·10⁶ entries is p_keep, drawn from the seed between two hundredths (Hoeffding, false-failure probability 8e-9)"""
    mask = _keep_rate(student, rng)
    rows = np.all(mask[1:] == mask[:-1], axis=1)
    cols = np.all(mask[:, 1:] == mask[:, :-1], axis=0)
    # two given rows (or columns) of ≥ 1000 independent entries coincide with probability
    # (p² + (1-p)²)^1000 ≤ 0.75^1000 < 1e-124: the FFP of this line is negligible
    expect.that(
        not rows.any() and not cols.any(),
        "the entries must be drawn independently (one uniform per entry, rng.random(shape)), not one draw per row, column or mask",
        quantity="mask R",
        detail=f"{int(rows.sum())} pairs of identical consecutive rows, {int(cols.sum())} of columns",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random shapes (1-D to 3-D, a single sample), keep probabilities and both conventions"""
    shape = [(1, 5), (2, 3), (7,), (3, 4, 2), (1, 1)][int(rng.integers(5))]
    p = float(rng.uniform(0.05, 0.95))
    inverted = bool(trial % 2)
    A = 10 * rng.standard_normal(shape)
    mask = _mask(rng, shape, p)
    modes = ("train", "test")
    for got, mode in zip(student.dropout_forward.many([(A, mask, p, mode, inverted) for mode in modes]), modes):  # one round trip
        expect.close(got, ref.dropout_forward(A, mask, p, mode, inverted))
    expect.close(student.dropout_backward(A, mask, p, inverted), ref.dropout_backward(A, mask, p, inverted))
    _backward_vs_forward(student, ref, rng, shape, p, inverted)


@mark.hidden
def test_hidden_keep_rate(student, rng):
    """keep rate at a per-student p_keep (Hoeffding, FFP 8e-9); small 1-D and 3-D shapes; p_keep = 0 and 1"""
    _keep_rate(student, rng)
    _support_and_boundaries(student, rng, [(1,), (3, 1, 2), (2, 5)])
