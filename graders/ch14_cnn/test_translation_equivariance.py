"""Grader for ch14.translation_equivariance: values against the reference, the
impulse response on the torus (a closed form built here), equivariance under
every translation, and its loss for odd shifts after a stride-2 max pool."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import close_or_diagnose, conv_case, distinct, impulse, pool2, require_shape

ZERO_PAD = "Your output equals the layer with ZERO padding: the border must wrap around (np.pad(..., mode='wrap'))."
FLIPPED = "Your output equals the TRUE convolution (kernel rotated by 180°); the layer is a cross-correlation."


def _torus_impulse_response(K, b, c0, H, W):
    """Y for an impulse at pixel (0, 0) of channel c0: Y[o, (r_h - p) mod H, (r_w - q) mod W] += K[o, c0, p, q]."""
    Cout, _, kh, kw = K.shape
    rh, rw = (kh - 1) // 2, (kw - 1) // 2
    Y = np.broadcast_to(b[None, :, None, None], (1, Cout, H, W)).copy()
    for p in range(kh):
        for q in range(kw):
            Y[0, :, (rh - p) % H, (rw - q) % W] += K[:, c0, p, q]
    return Y


def _shift_of(got, want):
    """The (a, c) with np.roll(want, (a, c)) == got, if any."""
    for a in range(want.shape[2]):
        for c in range(want.shape[3]):
            if np.allclose(np.roll(want, (a, c), axis=(2, 3)), got, rtol=1e-9, atol=1e-9):
                H, W = want.shape[2], want.shape[3]
                return (a - H if 2 * a > H else a), (c - W if 2 * c > W else c)
    return None


def _check(student, ref, X, K, b):
    got = student.conv2d_circular(X, K, b)
    want = ref.conv2d_circular(X, K, b)
    zero = ref.conv2d_forward(X, K, b, 1, (K.shape[2] - 1) // 2) if K.shape[2] == K.shape[3] else want
    flipped = ref.conv2d_circular(X, K[:, :, ::-1, ::-1].copy(), b)
    require_shape(got, want.shape, "Y (circular convolution)", "the output keeps the input's size: (N, C_out, H, W)")
    diagnoses = [(flipped, FLIPPED)]
    if K.shape[2] == K.shape[3]:
        diagnoses.append((zero, ZERO_PAD))
    if isinstance(got, np.ndarray) and got.shape == want.shape and got.dtype == np.float64:
        shift = _shift_of(got, want)
        if shift is not None and shift != (0, 0):
            diagnoses.append((got, f"Your output is the right one rolled by {shift} pixels: pad the same radius on BOTH sides (r_h rows, r_w columns)."))
    close_or_diagnose(got, want, diagnoses)


def test_values(student, ref, rng):
    """3x3 kernel, 2 → 3 channels, one 6x7 image"""
    X, K, b = conv_case(rng, 1, 2, 3, 6, 7, 3, 3)
    _check(student, ref, X, K, b)


def test_rectangular_kernel(student, ref, rng):
    """a 3x5 kernel: radius 1 for the rows and 2 for the columns"""
    X, K, b = conv_case(rng, 2, 3, 2, 5, 7, 3, 5)
    _check(student, ref, X, K, b)


def test_impulse_wraps(student, rng):
    """an impulse at the corner pixel (0, 0) spreads around the torus (closed form)"""
    K = rng.standard_normal((2, 2, 3, 3))
    b = rng.standard_normal(2)
    want = _torus_impulse_response(K, b, 1, 5, 6)
    got = student.conv2d_circular(impulse(2, 5, 6, 1, 0, 0), K, b)
    require_shape(got, want.shape, "Y (circular convolution)", "the output keeps the input's size: (N, C_out, H, W)")
    diagnoses = []
    if isinstance(got, np.ndarray) and got.shape == want.shape and got.dtype == np.float64:
        shift = _shift_of(got, want)
        if shift is not None and shift != (0, 0):
            diagnoses.append((got, f"Your output is the right one rolled by {shift} pixels: pad the same radius on BOTH sides."))
    close_or_diagnose(got, want, diagnoses)


def test_equivariance_all_shifts(student, ref, rng):
    """rolling the input by (a, c) rolls the output by (a, c), for all 20 shifts of a 4x5 image"""
    X, K, b = conv_case(rng, 1, 2, 2, 4, 5, 3, 3)
    shifts = [(a, c) for a in range(4) for c in range(5)]
    Y, *rolled = student.conv2d_circular.many([(X, K, b)] + [(np.roll(X, s, axis=(2, 3)), K, b) for s in shifts])  # one round trip
    expect.close(Y, ref.conv2d_circular(X, K, b))  # a constant output commutes with every shift too
    for Ys, (a, c) in zip(rolled, shifts):
        expect.close(Ys, np.roll(Y, (a, c), axis=(2, 3)), names=f"conv(roll(X, ({a}, {c}))) vs roll(conv(X), ({a}, {c}))")


def test_pooling_breaks_equivariance(student, rng):
    """after a 2x2 stride-2 max pool, even shifts (2a, 2c) act as shifts (a, c); odd shifts do not"""
    X, K, b = conv_case(rng, 1, 2, 3, 6, 8, 3, 3)
    even = [(2, 0), (0, 2), (2, 4), (4, 6)]
    # X, the four even shifts and the odd shift (1, 0) in one round trip
    Y, *rolled, odd = student.conv2d_circular.many([(X, K, b)] + [(np.roll(X, s, axis=(2, 3)), K, b) for s in even + [(1, 0)]])
    Z = pool2(expect.like(Y, np.zeros((1, 3, 6, 8))))
    for Ys, (a, c) in zip(rolled, even):
        Zs = pool2(expect.like(Ys, np.zeros((1, 3, 6, 8))))
        expect.close(Zs, np.roll(Z, (a // 2, c // 2), axis=(2, 3)), names=f"pool(conv(roll(X, ({a}, {c})))) vs roll(pool(conv(X)), ({a // 2}, {c // 2}))")
    Zs = pool2(expect.like(odd, np.zeros((1, 3, 6, 8))))
    commutes = [(a, c) for a in range(3) for c in range(4) if np.allclose(Zs, np.roll(Z, (a, c), axis=(2, 3)), rtol=1e-9, atol=1e-9)]
    expect.that(
        not commutes,
        "after stride-2 pooling a shift by ONE row cannot be undone by any shift of the pooled output (for generic X)",
        quantity="Y (circular convolution)",
        detail=f"pool(conv(roll(X, (1, 0)))) equals the pooled output rolled by {commutes[0] if commutes else None}: does your output depend on X?",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random layers: odd k_h ≠ k_w (mostly), C_in ≠ C_out, H ≠ W, N ∈ {1, 2}; plus one random shift"""
    Cin, Cout = distinct(rng, 1, 5, 2)
    H, W = distinct(rng, 5, 10, 2)
    kh, kw = (int(v) for v in rng.choice([1, 3, 5], 2))
    N = int(rng.choice([1, 2]))
    X, K, b = conv_case(rng, N, Cin, Cout, H, W, kh, kw)
    _check(student, ref, X, K, b)
    a, c = int(rng.integers(0, H)), int(rng.integers(0, W))
    Y, Ys = student.conv2d_circular.many([(X, K, b), (np.roll(X, (a, c), axis=(2, 3)), K, b)])  # one round trip
    expect.close(Ys, np.roll(Y, (a, c), axis=(2, 3)), names="conv(roll(X)) vs roll(conv(X))")
