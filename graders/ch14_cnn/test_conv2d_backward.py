"""Grader for ch14.conv2d_backward: the reference on small layers, and two oracles
that need no backward code. (1) Adjoint identities: the layer is linear in X and
in K, so for any U and V, Σ dX·U = Σ dY·conv(U, K, 0) and Σ dK·V = Σ dY·conv(X, V, 0).
(2) Euler's identity for a bilinear map: Σ dX·X = Σ dK·K, and Σ db = Σ dY."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import close_or_diagnose, conv_case, hidden_conv_shape, out_size, require_shape

NO_ROTATION = (
    "Your ∂Λ/∂X is what the backward pass gives for the kernel rotated by 180°: written as a "
    "'full' correlation of dY, the backward pass needs the ROTATED kernel K[:, :, ::-1, ::-1] "
    "(equivalently: scatter dY[n,o,i,j]·K[o,c,p,q] to pixel (i·s + p, j·s + q), no flip)."
)


def _case(rng, N, Cin, Cout, H, W, kh, kw, s, P):
    X, K, _ = conv_case(rng, N, Cin, Cout, H, W, kh, kw)
    dY = rng.standard_normal((N, Cout, out_size(H, kh, s, P), out_size(W, kw, s, P)))
    return dY, X, K


def _shapes(got, dY, X, K):
    if isinstance(got, (tuple, list)) and len(got) == 3:
        require_shape(got[0], X.shape, "∂Λ/∂X", "∂Λ/∂X has the shape of the input X (remove the padding)")
        require_shape(got[1], K.shape, "∂Λ/∂K", "∂Λ/∂K has the shape of the kernel (C_out, C_in, k_h, k_w)")
        require_shape(got[2], (K.shape[0],), "∂Λ/∂b", "∂Λ/∂b has one entry per output channel: sum dY over n AND the two spatial axes")


def _check(student, ref, dY, X, K, s, P):
    got = student.conv2d_backward(dY, X, K, s, P)
    want = ref.conv2d_backward(dY, X, K, s, P)
    unrotated = ref.conv2d_backward(dY, X, K[:, :, ::-1, ::-1].copy(), s, P)[0]
    _shapes(got, dY, X, K)
    expect.like(got, want)
    close_or_diagnose(got[0], want[0], [(unrotated, NO_ROTATION)], names="∂Λ/∂X")
    expect.close(got[1], want[1], names="∂Λ/∂K")
    expect.close(got[2], want[2], names="∂Λ/∂b")
    return got


def _identities(got, dY, X, K, tol):
    dX, dK, db = got
    a, c = float(np.sum(dX * X)), float(np.sum(dK * K))
    scale = float(np.abs(dX * X).sum() + np.abs(dK * K).sum()) + 1e-300
    expect.that(
        abs(a - c) <= tol.identity.atol + tol.identity.rtol * scale,
        "Σ ∂Λ/∂X · X must equal Σ ∂Λ/∂K · K (both are Σ dY·(Y - b) for this bilinear layer)",
        quantity="(∂Λ/∂X, ∂Λ/∂K)",
        detail=f"Σ dX·X = {a:.12g} but Σ dK·K = {c:.12g}",
    )
    expect.close(float(np.sum(db)), float(np.sum(dY)), tol.identity, names="Σ ∂Λ/∂b (must equal Σ dY)")


def test_small(student, ref, rng, tol):
    """stride 1, no padding, 2 → 3 channels, 3x3 kernel"""
    dY, X, K = _case(rng, 2, 2, 3, 5, 6, 3, 3, 1, 0)
    got = _check(student, ref, dY, X, K, 1, 0)
    _identities(got, dY, X, K, tol)


def test_adjoint(student, ref, rng, tol):
    """adjoint identities Σ dX·U = Σ dY·conv(U, K) and Σ dK·V = Σ dY·conv(X, V), stride 2, padding 1"""
    dY, X, K = _case(rng, 2, 3, 2, 7, 6, 3, 2, 2, 1)
    U = rng.standard_normal(X.shape)
    V = rng.standard_normal(K.shape)
    zero = np.zeros(K.shape[0])
    dY_U = float(np.sum(dY * ref.conv2d_forward(U, K, zero, 2, 1)))
    dY_V = float(np.sum(dY * ref.conv2d_forward(X, V, zero, 2, 1)))
    got = student.conv2d_backward(dY, X, K, 2, 1)
    _shapes(got, dY, X, K)
    dX, dK, _ = expect.like(got, (np.zeros(X.shape), np.zeros(K.shape), np.zeros(K.shape[0])))
    expect.close(float(np.sum(dX * U)), dY_U, tol.identity, names="Σ ∂Λ/∂X · U (must equal Σ dY · conv(U, K, 0))")
    expect.close(float(np.sum(dK * V)), dY_V, tol.identity, names="Σ ∂Λ/∂K · V (must equal Σ dY · conv(X, V, 0))")


def test_stride_uncovered(student, ref, rng):
    """stride 2 on 6x7 images with k = 3: the last row is in no window and gets zero gradient"""
    dY, X, K = _case(rng, 1, 2, 3, 6, 7, 3, 3, 2, 0)
    dX = _check(student, ref, dY, X, K, 2, 0)[0]
    expect.close(dX[:, :, 5, :].copy(), np.zeros((1, 2, 7)), expect.Tol(0.0, 0.0), names="∂Λ/∂X on row 5 (no window covers it)")


def test_identities_with_padding(student, ref, rng, tol):
    """Σ dX·X = Σ dK·K and Σ db = Σ dY with stride 2 and padding 2"""
    dY, X, K = _case(rng, 2, 3, 4, 8, 9, 3, 4, 2, 2)
    got = student.conv2d_backward(dY, X, K, 2, 2)
    _shapes(got, dY, X, K)
    got = expect.like(got, (np.zeros(X.shape), np.zeros(K.shape), np.zeros(K.shape[0])))
    _identities(got, dY, X, K, tol)
    expect.close(got, ref.conv2d_backward(dY, X, K, 2, 2))  # dX = 0, dK = 0 satisfy the first identity too


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, tol, trial):
    """random layers: C_in ≠ C_out, H ≠ W, strides that do not divide, padding, N = 1..3"""
    c = hidden_conv_shape(rng)
    dY, X, K = _case(rng, c["N"], c["Cin"], c["Cout"], c["H"], c["W"], c["kh"], c["kw"], c["s"], c["P"])
    got = _check(student, ref, dY, X, K, c["s"], c["P"])
    _identities(got, dY, X, K, tol)


@mark.hidden
def test_hidden_adjoint(student, ref, rng, tol):
    """adjoint identities on a random layer with stride 3"""
    c = hidden_conv_shape(rng)
    dY, X, K = _case(rng, c["N"], c["Cin"], c["Cout"], c["H"], c["W"], c["kh"], c["kw"], 3, c["P"])
    U = rng.standard_normal(X.shape)
    V = rng.standard_normal(K.shape)
    zero = np.zeros(K.shape[0])
    dY_U = float(np.sum(dY * ref.conv2d_forward(U, K, zero, 3, c["P"])))
    dY_V = float(np.sum(dY * ref.conv2d_forward(X, V, zero, 3, c["P"])))
    dX, dK, _ = expect.like(student.conv2d_backward(dY, X, K, 3, c["P"]), (np.zeros(X.shape), np.zeros(K.shape), np.zeros(K.shape[0])))
    expect.close(float(np.sum(dX * U)), dY_U, tol.identity, names="Σ ∂Λ/∂X · U")
    expect.close(float(np.sum(dK * V)), dY_V, tol.identity, names="Σ ∂Λ/∂K · V")
