"""Grader for ch14.maxpool: forward and backward against the reference (with and
without overlapping windows), plus oracles computed here: the pooled values are
the input entries the indices point to; the gradient is conserved
(Σ dX = Σ dOut) and satisfies Σ dX·X = Σ dOut·out (pooling is positively
homogeneous); and the backward pass is the derivative of the forward pass
(a directional finite difference on continuous inputs, where no ties occur)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import out_size, require_shape

LOST = (
    "Σ ∂Λ/∂X = {a:.6g} but Σ dOut = {b:.6g}: every dOut entry must reach exactly ONE pixel, the winner of its "
    "window; with overlapping windows a pixel can win several windows and must receive the SUM of their "
    "gradients (an assignment to repeated indices keeps only one of them)"
)


def _forward(student, ref, X, k, s):
    got = student.maxpool_forward(X, k, s)
    want = ref.maxpool_forward(X, k, s)
    N, C, H, W = X.shape
    shape = (N, C, out_size(H, k, s), out_size(W, k, s))
    if isinstance(got, (tuple, list)) and len(got) == 2:
        why = f"H_o = ⌊(H - k)/s⌋ + 1 = ⌊({H} - {k})/{s}⌋ + 1 and W_o = ⌊({W} - {k})/{s}⌋ + 1"
        require_shape(got[0], shape, "pooled output", why)
        require_shape(got[1], shape, "argmax indices", why)
    out, idx = _like_pooled(got, shape)
    expect.close(out, want[0], names="pooled output")
    if not np.all((idx >= 0) & (idx < H * W)):
        expect.that(False, f"indices must lie in [0, H·W) = [0, {H * W}): the position h·W + w in the image plane", quantity="argmax indices", detail=f"got values from {idx.min()} to {idx.max()}")
    gathered = np.take_along_axis(X.reshape(N, C, H * W), idx.reshape(N, C, -1), axis=2).reshape(idx.shape)
    expect.that(
        np.array_equal(gathered, out),
        "X at the returned indices must equal the pooled values (index = h·W + w within each (n, c) plane)",
        quantity="argmax indices",
        detail=f"{int(np.sum(gathered != out))} of {out.size} indices point to another value",
    )
    expect.equal(idx, want[1], names="argmax indices")
    return out, idx


def _conservation(dX, dOut):
    a, b = float(np.sum(dX)), float(np.sum(dOut))
    if not abs(a - b) <= 1e-10 * (np.abs(dOut).sum() + 1.0):
        expect.that(False, "the gradient must be conserved: Σ ∂Λ/∂X = Σ dOut", quantity="∂Λ/∂X", detail=LOST.format(a=a, b=b))


def _backward(student, ref, dOut, idx, shape):
    got = student.maxpool_backward(dOut, idx, shape)
    want = ref.maxpool_backward(dOut, idx, shape)
    require_shape(got, shape, "∂Λ/∂X", "∂Λ/∂X has the shape X_shape of the pooled input")
    expect.like(got, want)
    _conservation(got, dOut)
    expect.close(got, want)
    return got


def _like_pooled(res, shape):
    """expect.like for (out, argmax); expect.like compares integer arrays exactly,
    so the integer template is the student's own argmax when its type is right."""
    idx = res[1] if isinstance(res, (tuple, list)) and len(res) == 2 else None
    ok = isinstance(idx, np.ndarray) and idx.shape == shape and idx.dtype.kind in "iu"
    return expect.like(res, (np.zeros(shape), idx if ok else np.zeros(shape, dtype=np.int64)))


def test_forward_small(student, ref, rng):
    """k = 2, s = 2 on one 1-channel 4x4 image"""
    X = rng.standard_normal((1, 1, 4, 4))
    _forward(student, ref, X, 2, 2)


def test_forward_overlapping(student, ref, rng):
    """k = 3, s = 2 (overlapping windows) on 2 images with 3 channels, 7x8"""
    X = rng.standard_normal((2, 3, 7, 8))
    _forward(student, ref, X, 3, 2)


def test_forward_gaps(student, ref, rng):
    """k = 2, s = 3 (gaps between windows; the corner of window (i, j) is (3i, 3j))"""
    X = rng.standard_normal((1, 2, 8, 9))
    _forward(student, ref, X, 2, 3)


def test_backward_shared_winner(student, ref, rng):
    """k = 3, s = 2: one large pixel wins four overlapping windows and receives the sum of their gradients"""
    X = rng.uniform(-1.0, 0.0, (1, 1, 5, 5))
    X[0, 0, 2, 2] = 5.0  # in the windows (0,0), (0,1), (1,0), (1,1)
    _, idx = ref.maxpool_forward(X, 3, 2)
    dOut = rng.standard_normal((1, 1, 2, 2))
    dX = _backward(student, ref, dOut, idx, (1, 1, 5, 5))
    expect.close(float(dX[0, 0, 2, 2]), float(dOut.sum()), names="∂Λ/∂X[0, 0, 2, 2] (the sum of the four windows' gradients)")


def test_backward_random(student, ref, rng):
    """k = 3, s = 2 on 2 x 3 x 7 x 9; Σ dX·X = Σ dOut·out"""
    X = rng.standard_normal((2, 3, 7, 9))
    out, idx = ref.maxpool_forward(X, 3, 2)
    dOut = rng.standard_normal(out.shape)
    dX = _backward(student, ref, dOut, idx, X.shape)
    expect.close(float(np.sum(dX * X)), float(np.sum(dOut * out)), names="Σ ∂Λ/∂X · X (must equal Σ dOut · out)")


def test_backward_is_derivative(student, ref, rng, tol):
    """your backward pass is the derivative of your forward pass (directional finite difference, k = 3, s = 2)"""
    # distinct values at least 0.05 apart, so a step of h·|V| ≤ 1e-5 can never change a window's winner
    X = (0.1 * (rng.permutation(98) + rng.uniform(0.0, 0.5, 98)) - 4.9).reshape(1, 2, 7, 7)
    V = rng.uniform(-1.0, 1.0, X.shape)
    # the derivative of a wrong (or constant) forward pass proves nothing: it must be right first
    out, idx = _forward(student, ref, X, 3, 2)
    dOut = rng.standard_normal(out.shape)
    dX = expect.like(student.maxpool_backward(dOut, idx, X.shape), np.zeros(X.shape))
    h = 1e-6
    up, down = (_like_pooled(r, (1, 2, 3, 3))[0] for r in student.maxpool_forward.many([(X + h * V, 3, 2), (X - h * V, 3, 2)]))  # one round trip
    fd = float(np.sum(dOut * (up - down)) / (2 * h))
    expect.gradient(float(np.sum(dX * V)), fd, rel=tol.fd["rel"], quantity="Σ ∂Λ/∂X · V against the finite difference of Σ dOut · out along V")


def _ties(student, ref, rng, N, C, H, W):
    """integer-valued images (many ties): the first maximum in row-major order wins, and the gradient follows it"""
    X = rng.integers(0, 3, (N, C, H, W)).astype(np.float64)
    for k, s in ((2, 2), (3, 1)):
        out, idx = _forward(student, ref, X, k, s)
        _backward(student, ref, rng.standard_normal(out.shape), idx, X.shape)


def test_ties(student, ref, rng):
    """ties (integer-valued images): the first maximum of each window in row-major order wins"""
    _ties(student, ref, rng, 1, 2, 6, 6)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random k, s (overlapping, tiling or with gaps), N ∈ {1, 2}, C and H ≠ W"""
    k = int(rng.integers(2, 4))
    s = int(rng.integers(1, 4))
    N = int(rng.choice([1, 2]))
    C = int(rng.integers(1, 4))
    H, W = (int(v) for v in rng.choice(np.arange(k + 1, 12), 2, replace=False))
    X = rng.standard_normal((N, C, H, W))
    out, idx = _forward(student, ref, X, k, s)
    dOut = rng.standard_normal(out.shape)
    dX = _backward(student, ref, dOut, ref.maxpool_forward(X, k, s)[1], X.shape)
    expect.close(float(np.sum(dX * X)), float(np.sum(dOut * out)), names="Σ ∂Λ/∂X · X")


@mark.hidden
def test_hidden_ties(student, ref, rng):
    """ties (integer-valued images), per-student sizes: the first maximum in row-major order wins"""
    H, W = (int(v) for v in rng.choice(np.arange(4, 10), 2, replace=False))
    _ties(student, ref, rng, int(rng.integers(1, 3)), int(rng.integers(1, 4)), H, W)


@mark.hidden
def test_hidden_overlap_batch(student, ref, rng):
    """k = 3, s = 2 with M = 2 images and shared winners"""
    X = rng.uniform(-1.0, 0.0, (2, 3, 9, 7))
    X[:, :, 2::2, 2::2] += 3.0
    _, idx = ref.maxpool_forward(X, 3, 2)
    dOut = rng.standard_normal(idx.shape)
    _backward(student, ref, dOut, idx, X.shape)
