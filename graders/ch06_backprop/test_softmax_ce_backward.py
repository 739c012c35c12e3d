"""Grader for ch06.softmax_ce_backward: Λ and gradients against the reference;
against central differences of the student's own Λ; closed forms at uniform
logits; invariance under a common shift of the logits; and logits of ±800."""

import numpy as np

from mathdl_cli.grading import expect

from mathdl_cli.grading import gen
from mathdl_cli.grading.marks import mark

from ._helpers import KINKED, SMOOTH, classification_case, cross_entropy, distinct_sizes, fd_check, forward, random_net, strict_call


def _template(Ws, bs):
    return (0.0, [np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs])


def test_small_relu_net(student, ref, rng):
    """ReLU net 4→6→3 (3 classes), batch of 5, labels y of shape (5,)"""
    X, y, Ws, bs = classification_case(rng, [4, 6, 3], 5, "relu")
    expect.close(student.mlp_backward_ce(X, y, Ws, bs, "relu"), ref.mlp_backward_ce(X, y, Ws, bs, "relu"))


def test_gradient_of_your_loss(student, rng, tol):
    """your gradients are the derivatives of your Λ: central differences on 2 entries of every W^ℓ and B^ℓ (ReLU 5→4→6→3, M = 4)"""
    X, y, Ws, bs = classification_case(rng, [5, 4, 6, 3], 4, "relu")
    fd_check(student.mlp_backward_ce, X, y, Ws, bs, "relu", rng, tol.fd["rel"], per_array=2, loss=cross_entropy)


def test_uniform_logits(student, rng):
    """W^L = 0, B^L = 0: P = 1/C everywhere, so Λ = log C and ∂Λ/∂B^L = 1/C - (class frequencies)"""
    M, C = 6, 4
    X, y, Ws, bs = classification_case(rng, [3, 5, C], M, "tanh")
    Ws[-1] = np.zeros_like(Ws[-1])
    bs[-1] = np.zeros(C)
    loss, _, dbs = expect.like(student.mlp_backward_ce(X, y, Ws, bs, "tanh"), _template(Ws, bs))
    expect.close(loss, float(np.log(C)), names="Λ at uniform logits (should be log C)")
    freq = np.bincount(y, minlength=C) / M
    expect.close(dbs[-1], 1.0 / C - freq, names=f"∂Λ/∂B^2 at uniform logits (should be 1/C - class frequencies; labels {y.tolist()})")


def test_shift_invariance(student, rng):
    """adding 5 to every logit (to B^L) changes neither Λ nor any gradient, and ∂Λ/∂B^L sums to 0 (Λ checked against its value first)"""
    X, y, Ws, bs = classification_case(rng, [4, 5, 3], 7, "sigmoid")
    base = expect.like(student.mlp_backward_ce(X, y, Ws, bs, "sigmoid"), _template(Ws, bs))
    expect.close(base[0], cross_entropy(X, y, Ws, bs, "sigmoid"), names="Λ (should be -(1/M) Σ_m log P_{m, y_m})")
    expect.close(float(np.sum(base[2][-1])), 0.0, expect.Tol(0.0, 1e-12), names="Σ_j ∂Λ/∂B^L_j (the rows of P - E_y sum to 0)")
    shifted = student.mlp_backward_ce(X, y, Ws, bs[:-1] + [bs[-1] + 5.0], "sigmoid")
    expect.close(shifted, base, names=["Λ after adding 5 to every logit", "∂Λ/∂W^{k} after adding 5 to every logit", "∂Λ/∂B^{k} after adding 5 to every logit"])


def test_large_logits(student, ref, rng):
    """logits near 775, far past exp's overflow at 709.78, under np.errstate(all="raise")"""
    X, y, _, _ = classification_case(rng, [4, 6, 3], 5, "relu")
    Ws, bs = random_net(rng, [4, 6, 3])
    Ws[-1] = 3.0 * Ws[-1] / (1.0 + np.abs(Ws[-1]).sum())
    bs[-1] = np.array([775.0, 780.0, 770.0])  # a row's logits differ by < 50: the max shift keeps exp in range
    got = strict_call(student, "mlp_backward_ce", X, y, Ws, bs, "relu", what="Λ and its gradients at logits near 775")
    expect.close(got, ref.mlp_backward_ce(X, y, Ws, bs, "relu"))


def opposite_rows(rng, M, activation):
    """A 4→6→C network whose output logits put the rows of the batch at opposite extremes:
    largest logit +800 in one row, smallest -800 in another (each row's logits close together)."""
    C = int(rng.integers(3, 6))
    X, y, Ws, bs = classification_case(rng, [4, 6, C], M, activation)
    _, _, Hs = forward(X, Ws, bs, activation)
    Ws[-1], bs[-1] = gen.opposite_extremes(rng, Hs[-1], C, 800.0)
    return X, y, Ws, bs


def test_opposite_rows(student, ref, rng):
    """the batch's rows at opposite extremes (logits near +800 in one, near -800 in another), np.errstate(all="raise"): each row shifted by its own maximum"""
    X, y, Ws, bs = opposite_rows(rng, 6, "tanh")
    got = strict_call(student, "mlp_backward_ce", X, y, Ws, bs, "tanh", what="Λ and its gradients for rows at ±800")
    expect.close(got, ref.mlp_backward_ce(X, y, Ws, bs, "tanh"))


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(4))
def test_hidden_random_networks(student, ref, rng, trial):
    """distinct widths, more classes than samples and fewer, M = 1 and M = 2, repeated labels"""
    L = int(rng.integers(2, 4))
    sizes = distinct_sizes(rng, L)
    M = [1, 2, sizes[-1] - 1 if sizes[-1] > 3 else 2, int(rng.integers(10, 25))][trial]
    activation = (SMOOTH + KINKED)[int(rng.integers(5))]
    X, y, Ws, bs = classification_case(rng, sizes, M, activation, scale=float(rng.uniform(0.5, 3.0)))
    expect.close(student.mlp_backward_ce(X, y, Ws, bs, activation), ref.mlp_backward_ce(X, y, Ws, bs, activation))


@mark.hidden
@mark.weight(2)
def test_hidden_logits_800(student, ref, rng):
    """logits of ±800 in the same row under np.errstate(all="raise"): finite and exact"""
    sizes = [3, 6, 4]
    X, y, Ws, bs = classification_case(rng, sizes, 8, "relu")
    bs[-1] = np.array([800.0, -800.0, 0.0, 790.0])
    y[:4] = [0, 1, 2, 3]
    got = strict_call(student, "mlp_backward_ce", X, y, Ws, bs, "relu", what="Λ at logits ±800")
    expect.close(got, ref.mlp_backward_ce(X, y, Ws, bs, "relu"))


@mark.hidden
@mark.parametrize("sign", (1.0, -1.0))
def test_hidden_large_logits_raise(student, ref, rng, sign):
    """every logit in [750, 800] (or [-800, -750]), run under np.errstate(all="raise")"""
    X, y, _, _ = classification_case(rng, [5, 7, 3], 6, "relu")
    Ws, bs = random_net(rng, [5, 7, 3])
    Ws[-1] = 3.0 * Ws[-1] / (1.0 + np.abs(Ws[-1]).sum())
    bs[-1] = sign * np.array([775.0, 780.0, 770.0])
    # the logits then differ by less than 50 within a row: a max-shifted
    # log-sum-exp neither overflows nor underflows, e^{±800} does
    got = strict_call(student, "mlp_backward_ce", X, y, Ws, bs, "relu", what="Λ and its gradients at logits near ±775")
    expect.close(got, ref.mlp_backward_ce(X, y, Ws, bs, "relu"))


@mark.hidden
def test_hidden_opposite_rows(student, ref, rng):
    """rows at opposite extremes (±800) on a hidden batch, np.errstate(all="raise")"""
    activation = ("tanh", "sigmoid", "softplus")[int(rng.integers(3))]
    X, y, Ws, bs = opposite_rows(rng, int(rng.integers(2, 12)), activation)
    got = strict_call(student, "mlp_backward_ce", X, y, Ws, bs, activation, what="Λ and its gradients for rows at ±800")
    expect.close(got, ref.mlp_backward_ce(X, y, Ws, bs, activation))
