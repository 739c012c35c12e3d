"""Shared pieces of the chapter 14 graders: input generators, output sizes and
diagnoses that name a typical mistake when a result matches it."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect, gen
from mathdl_cli.grading.compare import describe
from mathdl_cli.grading.errors import CheckFailed


def out_size(n: int, k: int, s: int, P: int = 0) -> int:
    """The documented output length ⌊(n + 2P - k)/s⌋ + 1."""
    return (n + 2 * P - k) // s + 1


def distinct(rng: np.random.Generator, lo: int, hi: int, count: int) -> list[int]:
    """`count` pairwise-distinct integers in [lo, hi]."""
    return gen.distinct_sizes(rng, count, lo, hi)


def conv_case(rng: np.random.Generator, N: int, Cin: int, Cout: int, H: int, W: int, kh: int, kw: int):
    """X (N, Cin, H, W), K (Cout, Cin, kh, kw) and b (Cout,) with standard normal entries."""
    X = rng.standard_normal((N, Cin, H, W))
    K = rng.standard_normal((Cout, Cin, kh, kw))
    b = rng.standard_normal(Cout)
    return X, K, b


def hidden_conv_shape(rng: np.random.Generator) -> dict:
    """A hard random layer: C_in ≠ C_out, H ≠ W, k_h ≠ k_w (mostly), N ∈ {1, 2, 3},
    stride 1..3 chosen so that it often does not divide H + 2P - k."""
    Cin, Cout = distinct(rng, 1, 5, 2)
    H, W = distinct(rng, 5, 11, 2)
    kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
    s = int(rng.integers(1, 4))
    P = int(rng.integers(0, 3))
    N = int(rng.choice([1, 2, 3]))
    return dict(N=N, Cin=Cin, Cout=Cout, H=H, W=W, kh=kh, kw=kw, s=s, P=P)


def require_shape(got, shape: tuple[int, ...], quantity: str, why: str) -> None:
    """A shape check whose message explains where the expected shape comes from."""
    if isinstance(got, np.ndarray) and tuple(got.shape) != tuple(shape):
        expect.that(False, f"must have shape {tuple(shape)}", quantity=quantity, detail=f"got shape {tuple(got.shape)}; {why}")


def matches(got, want, rtol: float = 1e-9, atol: float = 1e-9) -> bool:
    """True when got has want's shape and (nearly) its values; never raises."""
    try:
        g = np.asarray(got, dtype=np.float64)
        w = np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return g.shape == w.shape and bool(np.all(np.abs(g - w) <= atol + rtol * np.abs(w)))


def close_or_diagnose(got, want, diagnoses: list[tuple[object, str]], tol=None, names=None) -> None:
    """expect.close(got, want); when it fails and got equals one of the typical
    wrong answers in `diagnoses` (pairs of value and explanation), the failure
    message also explains that mistake."""
    explanation = None
    if not matches(got, want):
        explanation = next((text for wrong, text in diagnoses if matches(got, wrong)), None)
    try:
        expect.close(got, want, tol, names=names)
    except CheckFailed as exc:
        if not explanation:
            raise
        diag = dict(exc.diagnostic)
        diag["detail"] = (diag["detail"] + "\n" if diag.get("detail") else "") + explanation
        raise CheckFailed(describe(diag), diag) from None


def impulse(Cin: int, H: int, W: int, c0: int, h0: int, w0: int) -> np.ndarray:
    """A (1, Cin, H, W) image that is 0 except a single 1 at channel c0, pixel (h0, w0)."""
    X = np.zeros((1, Cin, H, W))
    X[0, c0, h0, w0] = 1.0
    return X


def pool2(Y: np.ndarray) -> np.ndarray:
    """The non-overlapping 2 x 2, stride-2 max pool of an (N, C, H, W) array with H, W even."""
    N, C, H, W = Y.shape
    return Y.reshape(N, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))


def coded_image(N: int, C: int, H: int, W: int) -> np.ndarray:
    """An image whose every entry names its pixel: 1 + n·10⁶ + c·10⁴ + h·10² + w (0 is padding)."""
    n, c, h, w = np.meshgrid(np.arange(N), np.arange(C), np.arange(H), np.arange(W), indexing="ij")
    return (1 + n * 10**6 + c * 10**4 + h * 10**2 + w).astype(np.float64)


def decode(v: float) -> str:
    """The pixel named by a value of coded_image (or 'padding')."""
    v = int(round(v))
    if v == 0:
        return "a padding zero"
    v -= 1
    return f"X[{v // 10**6}, {(v // 10**4) % 100}, {(v // 10**2) % 100}, {v % 100}]"
