"""Grader for ch05.mlp_forward: output and caches against the reference; the
linear network against its closed form (one affine map); every cache entry
against the layer equation on the student's own caches; softmax properties."""

import numpy as np

from mathdl_cli.grading import expect

from mathdl_cli.grading import gen
from mathdl_cli.grading.marks import mark

from ._helpers import NAMES, distinct_sizes, random_net, strict_call


def _template(M, sizes):
    L = len(sizes) - 1
    return (np.zeros((M, sizes[-1])), [np.zeros((M, d)) for d in sizes[1:]], [np.zeros((M, d)) for d in sizes[:L]])


def test_small_tanh_net(student, ref, rng):
    """tanh net 5→7→3→2, batch of 4: output, Zs and Hs"""
    X = rng.standard_normal((4, 5))
    Ws, bs = random_net(rng, [5, 7, 3, 2])
    expect.close(student.mlp_forward(X, Ws, bs, "tanh"), ref.mlp_forward(X, Ws, bs, "tanh"))


def test_linear_network_closed_form(student, rng):
    """identity activations: the network is the single affine map X W¹W²W³ + (B¹W²W³ + B²W³ + B³)"""
    X = rng.standard_normal((6, 4))
    Ws, bs = random_net(rng, [4, 5, 3, 2])
    W = Ws[0] @ Ws[1] @ Ws[2]
    b = bs[0] @ Ws[1] @ Ws[2] + bs[1] @ Ws[2] + bs[2]
    out, _, _ = expect.like(student.mlp_forward(X, Ws, bs, "identity"), _template(6, [4, 5, 3, 2]))
    expect.close(out, X @ W + b, names="U for the linear network")


def test_caches_follow_the_layer_equations(student, rng):
    """each cache satisfies Z^ℓ = H^{ℓ-1} W^ℓ + 1(B^ℓ)ᵀ, H^ℓ = relu(Z^ℓ), Hs[0] = X and U = Z^L"""
    sizes = [3, 6, 4, 2]
    X = rng.standard_normal((5, 3))
    Ws, bs = random_net(rng, sizes)
    out, Zs, Hs = expect.like(student.mlp_forward(X, Ws, bs, "relu"), _template(5, sizes))
    expect.close(Hs[0], X, names="Hs[0] (the input of layer 1 is X itself)")
    for ell in range(1, 4):
        expect.close(Zs[ell - 1], Hs[ell - 1] @ Ws[ell - 1] + bs[ell - 1], names=f"Z^{ell} (should be H^{ell - 1} W^{ell} + 1 (B^{ell})ᵀ from your own H^{ell - 1})")
        if ell < 3:
            expect.close(Hs[ell], np.maximum(Zs[ell - 1], 0.0), names=f"H^{ell} (should be relu(Z^{ell}) from your own Z^{ell})")
    expect.close(out, Zs[-1], names="U (the output layer is linear: U = Z^L, no activation)")


def test_bias_added_to_every_row(student, rng):
    """square layers with M = d: X = 0 and identity weights, so every row of U is (B¹ + B²)ᵀ"""
    d = int(rng.integers(2, 5))
    X = np.zeros((d, d))
    Ws = [np.eye(d), np.eye(d)]
    bs = [rng.integers(-8, 9, d) / 8.0, rng.integers(-8, 9, d) / 8.0]
    got, _, _ = expect.like(student.mlp_forward(X, Ws, bs, "identity"), _template(d, [d, d, d]))
    expect.close(got, np.tile(bs[0] + bs[1], (d, 1)), names="U for X = 0 (every row should be (B¹ + B²)ᵀ)")


def test_softmax_output(student, ref, rng):
    """softmax output, sigmoid hidden layer 4→6→3, batch of 5"""
    X = rng.standard_normal((5, 4))
    Ws, bs = random_net(rng, [4, 6, 3], scale=3.0)
    got = student.mlp_forward(X, Ws, bs, "sigmoid", "softmax")
    P, _, _ = expect.like(got, _template(5, [4, 6, 3]))
    expect.close(P.sum(axis=1), np.ones(5), names="row sums of P (each row of a softmax sums to 1)")
    expect.close(got, ref.mlp_forward(X, Ws, bs, "sigmoid", "softmax"))


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(4))
def test_hidden_random_networks(student, ref, rng, trial):
    """pairwise-distinct widths, M = 1, 2 or more, every activation, both outputs"""
    L = [1, 2, 3, 4][trial]
    sizes = distinct_sizes(rng, L)
    M = [1, 2, int(rng.integers(3, 12)), int(rng.integers(3, 12))][trial]
    X = rng.standard_normal((M, sizes[0]))
    Ws, bs = random_net(rng, sizes, scale=2.0)
    cases = [(name, output) for name in NAMES for output in ("identity", "softmax")]
    for got, (name, output) in zip(student.mlp_forward.many([(X, Ws, bs, name, output) for name, output in cases]), cases):  # one round trip
        expect.close(got, ref.mlp_forward(X, Ws, bs, name, output))


@mark.hidden
@mark.weight(2)
def test_hidden_large_logits(student, ref, rng):
    """softmax of logits around ±800 under np.errstate(all="raise"): finite, exact, no overflow"""
    sizes = [3, 5, 4]
    X = rng.standard_normal((6, 3))
    Ws, bs = random_net(rng, sizes)
    bs[-1] = np.array([800.0, -800.0, 790.0, 0.0])
    got = strict_call(student, "mlp_forward", X, Ws, bs, "tanh", "softmax", what="P = softmax(Z^L)")
    expect.close(got, ref.mlp_forward(X, Ws, bs, "tanh", "softmax"))


def opposite_rows(rng, M):
    """A tanh net 3→5→4 whose output logits put the rows of the batch at opposite extremes:
    largest logit +800 in one row, smallest -800 in another, each row's logits close together."""
    X = rng.standard_normal((M, 3))
    Ws, bs = random_net(rng, [3, 5, 4])
    H = np.tanh(X @ Ws[0] + bs[0])
    Ws[1], bs[1] = gen.opposite_extremes(rng, H, 4, 800.0)
    return X, Ws, bs


def test_opposite_rows(student, ref, rng):
    """softmax with the batch's rows at opposite extremes (logits near +800 in one row, near -800 in another), np.errstate(all="raise"): each row is shifted by its own maximum"""
    X, Ws, bs = opposite_rows(rng, 5)
    got = strict_call(student, "mlp_forward", X, Ws, bs, "tanh", "softmax", what="P = softmax(Z^L)")
    expect.close(got, ref.mlp_forward(X, Ws, bs, "tanh", "softmax"))


@mark.hidden
def test_hidden_opposite_rows(student, ref, rng):
    """rows at opposite extremes (±800) on a hidden batch, np.errstate(all="raise")"""
    X, Ws, bs = opposite_rows(rng, int(rng.integers(2, 10)))
    got = strict_call(student, "mlp_forward", X, Ws, bs, "tanh", "softmax", what="P = softmax(Z^L)")
    expect.close(got, ref.mlp_forward(X, Ws, bs, "tanh", "softmax"))


def test_large_logits(student, ref, rng):
    """softmax of logits around ±800 under np.errstate(all="raise"): no overflow (the hidden cases draw other networks)"""
    test_hidden_large_logits(student, ref, rng)
