"""Grader for ch09.mc_dropout: values against the reference for all three
output maps; softmax logits of ±800, with rows at opposite extremes in one batch
(a shift by each row's maximum, not the batch's), under np.errstate(all="raise");
the exact mask average equals weight scaling (one hidden layer, linear output);
Jensen's inequality for the exp output; and the Monte Carlo error decaying like
K^{-1/2} (a seeded statistical check)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import (
    DECAY_KS, DECAY_TOL, decay_problem, decay_statistic, distinct_sizes, exact_mask_stack, extreme_rows_problem, network,
    scaled_extreme_weights,
)

ADVICE = "subtract each ROW's maximum logit before np.exp (U - U.max(axis=-1, keepdims=True)): exp(800) overflows, and a single maximum for the whole batch sends the rows near -800 to exp(-1600) = 0 and 0/0"


def _masks(rng, K, M, sizes, p):
    """Stacked masks for the hidden layers: masks[ℓ-1] has shape (K, M, d_ℓ)."""
    return [(rng.random((K, M, d)) < p).astype(np.float64) for d in sizes[1:-1]]


@mark.parametrize("output", ["identity", "softmax", "exp"])
def test_mc_values(student, ref, rng, output):
    """K = 7 passes through a 3→5→4→2 ReLU network, M = 6"""
    sizes = [3, 5, 4, 2]
    Ws, bs = network(rng, sizes)
    X = rng.standard_normal((6, 3))
    masks = _masks(rng, 7, 6, sizes, 0.7)
    expect.close(student.mc_dropout_predict(X, Ws, bs, masks, output), ref.mc_dropout_predict(X, Ws, bs, masks, output))


@mark.parametrize("output", ["identity", "softmax", "exp"])
def test_scaled_values(student, ref, rng, output):
    """weight scaling with p = 0.8 on a 3→5→4→2 ReLU network, M = 6"""
    Ws, bs = network(rng, [3, 5, 4, 2])
    X = rng.standard_normal((6, 3))
    expect.close(student.scaled_predict(X, Ws, bs, 0.8, output), ref.scaled_predict(X, Ws, bs, 0.8, output))


def _large_logits(student, ref, rng, sign):
    """softmax output with every logit near sign·800 (one sign for the whole batch)"""
    sizes = [3, 4, 3]
    Ws, bs = network(rng, sizes, scale=0.5)
    bs[-1] = bs[-1] + sign * 800.0  # exp(800) overflows; exp(U - max U) does not
    X = rng.standard_normal((4, 3))
    masks = _masks(rng, 3, 4, sizes, 0.5)
    got_mc = expect.without_overflow(student, "mc_dropout_predict", X, Ws, bs, masks, "softmax", what="Monte Carlo dropout prediction", advice=ADVICE)
    expect.close(got_mc, ref.mc_dropout_predict(X, Ws, bs, masks, "softmax"))
    got_sc = expect.without_overflow(student, "scaled_predict", X, Ws, bs, 0.5, "softmax", what="weight-scaled prediction", advice=ADVICE)
    expect.close(got_sc, ref.scaled_predict(X, Ws, bs, 0.5, "softmax"))


def _opposite_rows(student, ref, rng, M, K):
    """rows at +800 and rows at -800 in one batch: the shift must be each row's own maximum"""
    p = float(rng.uniform(0.5, 0.9))
    X, Ws, bs, masks = extreme_rows_problem(rng, M, K, p)
    got = expect.without_overflow(student, "mc_dropout_predict", X, Ws, bs, masks, "softmax", what="Monte Carlo dropout prediction", advice=ADVICE)
    expect.close(got, ref.mc_dropout_predict(X, Ws, bs, masks, "softmax"))
    Ws = scaled_extreme_weights(Ws, p)
    got = expect.without_overflow(student, "scaled_predict", X, Ws, bs, p, "softmax", what="weight-scaled prediction", advice=ADVICE)
    expect.close(got, ref.scaled_predict(X, Ws, bs, p, "softmax"))


@mark.parametrize("sign", [1.0, -1.0], ids=["+800", "-800"])
def test_softmax_large_logits(student, ref, rng, sign):
    """softmax output with logits near ±800 under np.errstate(all="raise"): subtract the row maximum before exp"""
    _large_logits(student, ref, rng, sign)


def test_softmax_rows_at_opposite_extremes(student, ref, rng):
    """softmax with some rows of the batch near +800 and others near -800: each row is shifted by its own maximum"""
    _opposite_rows(student, ref, rng, 4, 3)


def test_exact_average_is_weight_scaling(student, ref, rng, tol):
    """one hidden layer, linear output: the exact average over all masks equals weight scaling (p = 0.75)"""
    M, n = 5, 4
    Ws, bs = network(rng, [2, n, 3])
    X = rng.standard_normal((M, 2))
    # every pattern r repeated 3^|r| times: the plain mean over this stack is the
    # expectation under independent Bernoulli(3/4) masks (see _helpers.exact_mask_stack)
    stack, p = exact_mask_stack(n, M, 3, 4)
    mc = expect.like(student.mc_dropout_predict(X, Ws, bs, [stack], "identity"), np.zeros((M, 3)))
    scaled = expect.like(student.scaled_predict(X, Ws, bs, p, "identity"), np.zeros((M, 3)))
    expect.close(
        mc, scaled, tol.exact_average,
        names="exact mask average (your mc_dropout_predict over all 2^4 masks, weighted) vs your scaled_predict",
    )
    # two functions that both ignore dropout also agree: the scaled prediction must be right too
    expect.close(scaled, ref.scaled_predict(X, Ws, bs, p, "identity"))


def test_jensen_exp_output(student, ref, rng):
    """exp output: the exact mask average lies strictly above weight scaling (Jensen), p = 1/2"""
    M, n = 4, 6
    Ws, bs = network(rng, [3, n, 2])
    # X ≥ 0, W^1 ≥ 0 and B^1 ≥ 0.5 keep every hidden unit active, so U depends on the mask
    X, Ws[0], bs[0] = np.abs(rng.standard_normal((M, 3))), np.abs(Ws[0]), np.abs(bs[0]) + 0.5
    stack, p = exact_mask_stack(n, M, 1, 2)  # all 64 patterns once: the exact average for p = 1/2
    mc = expect.like(student.mc_dropout_predict(X, Ws, bs, [stack], "exp"), np.zeros((M, 2)))
    scaled = student.scaled_predict(X, Ws, bs, p, "exp")
    expect.close(scaled, ref.scaled_predict(X, Ws, bs, p, "exp"))  # the bound is measured from the right weight scaling
    gap = (mc - scaled) / scaled
    # E exp(U) ≥ exp(E U), with equality only if U does not depend on the mask. The gap is
    # about ½ Var(U) = ⅛ Σ_i (H^1_i W^2_ij)² ≥ Σ_i (W^2_ij)²/32; it is below 1e-8 only if all
    # six W^2_ij are below ~1e-3 (probability < 1e-15): far above rounding (1e-15).
    expect.that(
        np.all(gap > 1e-8),
        "E_R[exp(U)] > exp(E_R[U]) (Jensen): average the OUTPUTS exp(U^k) over the passes, not the U^k before exp",
        quantity="Monte Carlo dropout prediction",
        detail=f"relative gap (MC - scaled)/scaled: min {gap.min():.3g} (must be > 0)",
    )


def test_error_decays_like_inverse_sqrt_k(student, ref, rng):
    """the Monte Carlo error decays like K^{-1/2} (fitted slope -0.5 ± 0.15 over K = 10..1000; false-failure probability < 1e-9)"""
    X, Ws, bs = decay_problem(rng)
    exact = ref.scaled_predict(X, Ws, bs, 0.6, "identity")  # one hidden layer, linear output: E_R = weight scaling

    def mc_many(stacks):  # all 38 Monte Carlo predictions in one round trip
        return [expect.like(got, exact) for got in student.mc_dropout_predict.many([(X, Ws, bs, masks, "identity") for masks in stacks])]

    slope, errors = decay_statistic(rng, mc_many, exact)
    # FFP: the reference's slope has sd 0.0237 over 1000 seeds, so ±0.15 is ≈ 6.3 sd (< 1e-9); see _helpers.DECAY_TOL
    expect.that(
        abs(slope + 0.5) <= DECAY_TOL,
        "the RMS error of the Monte Carlo average must decay like K^{-1/2}: each of the K passes needs its own masks",
        quantity="Monte Carlo dropout prediction",
        detail="fitted slope of log(error) vs log(K): {:.3f} (expected -0.5 ± {}); RMS errors for K = {}: {}".format(
            slope, DECAY_TOL, list(DECAY_KS), ", ".join(f"{e:.3g}" for e in errors)
        ),
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random depths, pairwise-distinct widths, M = 1 and 2 included, every output map"""
    depth = int(rng.integers(2, 5))
    sizes = distinct_sizes(rng, depth + 1)
    Ws, bs = network(rng, sizes)
    M = [1, 2, int(rng.integers(3, 9))][trial]
    X = rng.standard_normal((M, sizes[0]))
    p = float(rng.uniform(0.2, 0.95))
    masks = _masks(rng, int(rng.integers(1, 12)), M, sizes, p)
    output = ["identity", "softmax", "exp"][int(rng.integers(3))]
    expect.close(student.mc_dropout_predict(X, Ws, bs, masks, output), ref.mc_dropout_predict(X, Ws, bs, masks, output))
    expect.close(student.scaled_predict(X, Ws, bs, p, output), ref.scaled_predict(X, Ws, bs, p, output))


@mark.hidden
@mark.parametrize("sign", [1.0, -1.0], ids=["+800", "-800"])
def test_hidden_large_logits(student, ref, rng, sign):
    """softmax with logits near ±800 (overflow-safe), under np.errstate(all='raise')"""
    _large_logits(student, ref, rng, sign)


@mark.hidden
def test_hidden_opposite_rows(student, ref, rng):
    """softmax with rows near +800 and rows near -800 in one batch (a shift per row), per-student sizes"""
    _opposite_rows(student, ref, rng, int(rng.integers(2, 8)), int(rng.integers(1, 6)))


@mark.hidden
def test_hidden_exact_average(student, ref, rng, tol):
    """exact mask average equals weight scaling at p = 2/3, distinct widths"""
    M, n = 3, 5
    Ws, bs = network(rng, [6, n, 2])
    X = rng.standard_normal((M, 6))
    stack, p = exact_mask_stack(n, M, 2, 3)
    mc = expect.like(student.mc_dropout_predict(X, Ws, bs, [stack], "identity"), np.zeros((M, 2)))
    expect.close(mc, student.scaled_predict(X, Ws, bs, p, "identity"), tol.exact_average)
    expect.close(mc, ref.scaled_predict(X, Ws, bs, p, "identity"), tol.exact_average)
