"""Grader for ch14.im2col: exact comparison with the reference on "coded" images
(every entry is a number that names its pixel, so a failure says which pixel
landed where), and the property that one matrix product with the unfolded
patches reproduces the convolution layer."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import coded_image, decode, distinct, out_size, require_shape


def _explain(got: np.ndarray, want: np.ndarray, kh: int, kw: int, Wo: int) -> None:
    """Fail naming the first misplaced entry by the pixels it holds and should hold."""
    bad = np.argwhere(got != want)
    if bad.size == 0:
        return
    n, r, l = (int(v) for v in bad[0])
    c, p, q = r // (kh * kw), (r // kw) % kh, r % kw
    i, j = divmod(l, Wo)
    expect.that(
        False,
        "entries are in the wrong place",
        quantity="columns (patches)",
        detail=(
            f"{len(bad)} of {want.size} entries differ. The first, cols[{n}, {r}, {l}], is row r = {r} "
            f"(channel c = {c}, kernel offset (p, q) = ({p}, {q})) and column l = {l} (output pixel (i, j) = ({i}, {j})); "
            f"it must hold {decode(want[n, r, l])} but holds {decode(got[n, r, l])}"
        ),
    )


def _check(student, ref, X, kh, kw, s, P):
    got = student.im2col(X, kh, kw, s, P)
    want = ref.im2col(X, kh, kw, s, P)
    N, C, H, W = X.shape
    Ho, Wo = out_size(H, kh, s, P), out_size(W, kw, s, P)
    require_shape(got, (N, C * kh * kw, Ho * Wo), "columns (patches)", f"(N, C·k_h·k_w, H_o·W_o) with H_o = {Ho}, W_o = {Wo}")
    got = expect.like(got, want)
    if np.all(X == np.round(X)) and X.min() >= 1:
        _explain(got, want, kh, kw, Wo)
    expect.close(got, want)


def test_coded_small(student, ref, rng):
    """one image, 2 channels, 2x3 patches, stride 1 (entries name their pixel)"""
    H, W = distinct(rng, 4, 6, 2)
    _check(student, ref, coded_image(1, 2, H, W), 2, 3, 1, 0)


def test_coded_stride_padding(student, ref, rng):
    """2 images, 3 channels, 3x3 patches, stride 2, padding 1"""
    H, W = distinct(rng, 5, 7, 2)
    _check(student, ref, coded_image(2, 3, H, W), 3, 3, 2, 1)


def test_conv_as_matmul(student, ref, rng, tol):
    """K.reshape(C_out, -1) @ cols[n] + b is the convolution layer (stride 2, padding 1)"""
    X = rng.standard_normal((2, 3, 6, 7))
    K = rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(4)
    Y = ref.conv2d_forward(X, K, b, 2, 1)
    cols = student.im2col(X, 3, 2, 2, 1)
    require_shape(cols, (2, 3 * 3 * 2, Y.shape[2] * Y.shape[3]), "columns (patches)", "(N, C·k_h·k_w, H_o·W_o)")
    cols = expect.like(cols, np.zeros((2, 18, Y.shape[2] * Y.shape[3])))
    Ymat = (np.einsum("or,nrl->nol", K.reshape(4, -1), cols) + b[None, :, None]).reshape(Y.shape)
    expect.close(Ymat, Y, tol.matmul, names="(K.reshape(C_out, -1) @ cols).reshape(N, C_out, H_o, W_o) + b vs the convolution layer")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random sizes: C, k_h ≠ k_w, stride 1..3, padding 0..2, N = 1..2"""
    N = int(rng.choice([1, 2]))
    C = int(rng.integers(1, 4))
    H, W = distinct(rng, 5, 10, 2)
    kh, kw = distinct(rng, 1, 4, 2)
    s, P = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    X = coded_image(N, C, H, W) if trial == 0 else rng.standard_normal((N, C, H, W))
    _check(student, ref, X, kh, kw, s, P)


@mark.hidden
def test_hidden_matmul(student, ref, rng, tol):
    """one matrix product reproduces a random convolution layer"""
    Cin, Cout = distinct(rng, 1, 5, 2)
    kh, kw = distinct(rng, 1, 4, 2)
    s, P = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    X = rng.standard_normal((1, Cin, 9, 8))
    K = rng.standard_normal((Cout, Cin, kh, kw))
    b = rng.standard_normal(Cout)
    Y = ref.conv2d_forward(X, K, b, s, P)
    cols = expect.like(student.im2col(X, kh, kw, s, P), np.zeros((1, Cin * kh * kw, Y.shape[2] * Y.shape[3])))
    Ymat = (np.einsum("or,nrl->nol", K.reshape(Cout, -1), cols) + b[None, :, None]).reshape(Y.shape)
    expect.close(Ymat, Y, tol.matmul, names="K @ cols + b vs the convolution layer")
