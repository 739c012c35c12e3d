"""Grader for ch14.conv2d_forward: the reference on small layers, and closed forms
computed here (an impulse image returns the rotated kernel; a 1x1 kernel is a
matrix product over channels) that need no convolution code."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import close_or_diagnose, conv_case, distinct, hidden_conv_shape, impulse, out_size, require_shape

FLIPPED = (
    "Your output equals the TRUE convolution (the kernel rotated by 180°). A convolution "
    "layer computes a cross-correlation: Y[n,o,i,j] = b[o] + Σ K[o,c,p,q] X^pad[n,c,i·s+p,j·s+q], no flip."
)
LAST_CHANNEL = (
    "Your output equals what the LAST input channel alone gives: the sum over the input "
    "channels c is missing (an assignment = where += is needed?)."
)


def _size_why(H, W, kh, kw, s, P):
    return (
        f"H_o = ⌊(H + 2P - k_h)/s⌋ + 1 = ⌊({H} + {2 * P} - {kh})/{s}⌋ + 1 = {out_size(H, kh, s, P)} and "
        f"W_o = ⌊({W} + {2 * P} - {kw})/{s}⌋ + 1 = {out_size(W, kw, s, P)} (round down)"
    )


def _check(student, ref, X, K, b, s, P):
    got = student.conv2d_forward(X, K, b, s, P)
    want = ref.conv2d_forward(X, K, b, s, P)
    flipped = ref.conv2d_forward(X, K[:, :, ::-1, ::-1].copy(), b, s, P)
    last = ref.conv2d_forward(X[:, -1:].copy(), K[:, -1:].copy(), b, s, P)
    N, _, H, W = X.shape
    Cout, _, kh, kw = K.shape
    require_shape(got, (N, Cout, out_size(H, kh, s, P), out_size(W, kw, s, P)), "Y", _size_why(H, W, kh, kw, s, P))
    close_or_diagnose(got, want, [(flipped, FLIPPED), (last, LAST_CHANNEL)])


def test_small(student, ref, rng):
    """one image, 2 → 3 channels, 3x3 kernel, stride 1, no padding"""
    X, K, b = conv_case(rng, 1, 2, 3, 5, 6, 3, 3)
    _check(student, ref, X, K, b, 1, 0)


def test_impulse(student, rng):
    """an impulse image returns the kernel rotated by 180° (closed form)"""
    Cin, Cout, kh, kw = 2, 3, 3, 2
    K = rng.standard_normal((Cout, Cin, kh, kw))
    b = rng.standard_normal(Cout)
    X = impulse(Cin, 6, 6, 1, 3, 3)
    # Y[0, o, i, j] = b[o] + K[o, 1, 3 - i, 3 - j] whenever 0 ≤ 3 - i < k_h and 0 ≤ 3 - j < k_w
    want = np.broadcast_to(b[None, :, None, None], (1, Cout, 4, 5)).copy()
    for p in range(kh):
        for q in range(kw):
            want[0, :, 3 - p, 3 - q] += K[:, 1, p, q]
    got = student.conv2d_forward(X, K, b, 1, 0)
    require_shape(got, want.shape, "Y", _size_why(6, 6, kh, kw, 1, 0))
    unflipped = np.broadcast_to(b[None, :, None, None], (1, Cout, 4, 5)).copy()
    for p in range(kh):
        for q in range(kw):
            unflipped[0, :, 3 - (kh - 1 - p), 3 - (kw - 1 - q)] += K[:, 1, p, q]
    close_or_diagnose(got, want, [(unflipped, FLIPPED)])


def test_one_by_one(student, rng):
    """a 1x1 kernel mixes the channels pixel by pixel; with stride 2 it keeps every other pixel"""
    X = rng.standard_normal((2, 3, 5, 4))
    K = rng.standard_normal((4, 3, 1, 1))
    b = rng.standard_normal(4)
    mixed = np.einsum("oc,nchw->nohw", K[:, :, 0, 0], X) + b[None, :, None, None]
    full, got = student.conv2d_forward.many([(X, K, b, 1, 0), (X, K, b, 2, 0)])  # one round trip
    expect.close(full, mixed)
    require_shape(got, (2, 4, 3, 2), "Y", _size_why(5, 4, 1, 1, 2, 0))
    expect.close(got, mixed[:, :, ::2, ::2].copy())


def test_stride_padding(student, ref, rng):
    """stride 2, padding 1, 3x3 kernel on 6x7 images: 2 does not divide H + 2P - k_h = 5"""
    X, K, b = conv_case(rng, 2, 3, 2, 6, 7, 3, 3)
    _check(student, ref, X, K, b, 2, 1)


def test_padding_border(student, rng):
    """with padding, a constant image c shows how many real pixels each window covers"""
    H, W = distinct(rng, 3, 7, 2)
    c = float(rng.integers(1, 10))
    X = np.full((1, 1, H, W), c)
    K = np.ones((1, 1, 3, 3))
    b = np.zeros(1)
    # window (i, j) covers (rows in range) x (cols in range) real pixels, 9 in the interior
    rows = np.array([2.0] + [3.0] * (H - 2) + [2.0])
    cols = np.array([2.0] + [3.0] * (W - 2) + [2.0])
    expect.close(student.conv2d_forward(X, K, b, 1, 1), c * np.outer(rows, cols)[None, None])


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random layers: C_in ≠ C_out, H ≠ W, strides that do not divide, N = 1..3"""
    c = hidden_conv_shape(rng)
    X, K, b = conv_case(rng, c["N"], c["Cin"], c["Cout"], c["H"], c["W"], c["kh"], c["kw"])
    _check(student, ref, X, K, b, c["s"], c["P"])


@mark.hidden
@mark.parametrize("N", [1, 2])
def test_hidden_stride3(student, ref, rng, N):
    """stride 3, rectangular kernel, H + 2P - k not a multiple of 3"""
    X, K, b = conv_case(rng, N, 4, 2, 9, 8, 2, 3)
    _check(student, ref, X, K, b, 3, 1)
