"""Shared pieces of the chapter 8 graders: gradient sequences, small networks,
the network's loss (for finite differences), and the statistical Xavier cases."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import gen
from mathdl_cli.grading.gen import random_net  # noqa: F401  (used by the graders)

from mathdl_cli.grading import expect
from mathdl_cli.grading.proxies import each_step  # noqa: F401  (also used by the graders)


def gradient_sequence(rng: np.random.Generator, K: int, shape: tuple[int, ...], spread: float = 2.0) -> list[np.ndarray]:
    """K gradients whose coordinates have scales 10^[-spread, spread], with random signs."""
    scale = 10.0 ** rng.uniform(-spread, spread, shape)
    return [scale * rng.standard_normal(shape) for _ in range(K)]


def compare_sequences(student_step, ref_step, state0: tuple, inputs: list[tuple], names: list[str]) -> None:
    """Run a one-step update K times from the same start, the student and the reference
    each on their own state, and compare after every step (the first bad step is named).
    The student's steps go to the child in one request (each_step)."""
    theirs = state0
    for k, (extra, got) in enumerate(zip(inputs, each_step(student_step, state0, inputs)), start=1):
        want = ref_step(*theirs, *extra)
        expect.close(got, want, names=[f"{n} after step {k}" for n in names])
        theirs = tuple(want)


# -- networks ----------------------------------------------------------------------------


def sigma(Z: np.ndarray, name: str) -> np.ndarray:
    if name == "tanh":
        return np.tanh(Z)
    if name == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -Z))
    if name == "relu":
        return np.maximum(Z, 0.0)
    return Z


def loss(X, Y, Ws, bs, activation) -> float:
    """Λ = (1/(2M)) Σ_m ||Y_m - U_m||² for the book's network (identity output)."""
    H = X
    for l, (W, b) in enumerate(zip(Ws, bs)):
        Z = H @ W + b
        H = sigma(Z, activation) if l < len(Ws) - 1 else Z
    return float(np.sum((Y - H) ** 2) / (2 * X.shape[0]))


def distinct_sizes(rng: np.random.Generator, L: int, lo: int = 1, hi: int = 9) -> list[int]:
    """L+1 pairwise-distinct layer sizes."""
    return gen.distinct_sizes(rng, L + 1, lo, hi)


# -- the statistical Xavier checks (also used by the calibration test) --------------------

XAVIER_WIDTHS = [160, 96, 144, 56, 128, 104, 152, 72, 136, 112, 120]
XAVIER_WIDTHS_HIDDEN = [152, 88, 168, 64, 120, 96, 144, 80, 128, 104, 136]
XAVIER_M = 256
NAIVE_WIDTHS = [48, 64, 40, 56, 36, 60]
NAIVE_M = 128


def xavier_widths(rng: np.random.Generator, base: list[int]) -> list[int]:
    """The widths of a statistical Xavier check in an order drawn from the seed. The spread of
    log Var Z^L depends on the widths only through Σ_ℓ 1/d_ℓ, which a reordering keeps, so the
    calibration of the fixed list covers every order."""
    return [int(d) for d in rng.permutation(base)]


def gaussian_case(rng: np.random.Generator, widths: list[int], M: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Unit-variance inputs X (M, d_0) and unit-variance U^ℓ (d_{ℓ-1}, d_ℓ)."""
    X = rng.standard_normal((M, widths[0]))
    U = [rng.standard_normal((a, b)) for a, b in zip(widths[:-1], widths[1:])]
    return X, U


def naive_log_growth(variances: np.ndarray, X: np.ndarray, widths: list[int]) -> np.ndarray:
    """log(Var Z^ℓ / Var Z^{ℓ-1}) - log d_{ℓ-1} per layer (Var Z^0 := Var X); ≈ 0 for W = U."""
    v = np.concatenate([[X.var()], variances])
    return np.log(v[1:] / v[:-1]) - np.log(np.asarray(widths[:-1], dtype=np.float64))
