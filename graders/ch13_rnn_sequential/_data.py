"""Input generators shared by the chapter 13 graders (data only, no answers)."""

import numpy as np

from mathdl_cli.grading import gen


def rnn_params(rng: np.random.Generator, dx: int, dh: int, do: int, scale: float = 1.0):
    """(W_hx, W_hh, b_h, W_oh, b_o) in torch's (out, in) layout; W_hh is not symmetric."""
    return (
        scale * rng.standard_normal((dh, dx)) / np.sqrt(dx),
        scale * rng.standard_normal((dh, dh)) / np.sqrt(dh),
        0.3 * rng.standard_normal(dh),
        rng.standard_normal((do, dh)) / np.sqrt(dh),
        0.3 * rng.standard_normal(do),
    )


def distinct(rng: np.random.Generator, k: int, lo: int = 1, hi: int = 8) -> list[int]:
    """k pairwise-distinct sizes in [lo, hi)."""
    return gen.distinct_sizes(rng, k, lo, hi - 1)


def hidden_rnn_shape(rng: np.random.Generator) -> tuple[int, int, int, int, int]:
    """(T, B, dx, dh, do) for hidden cases: T ≠ B, B often 1 or 2, sizes pairwise distinct."""
    B = int(rng.choice([1, 2, 2, 1, 3, 5]))
    T = int(rng.choice([t for t in range(2, 9) if t != B]))
    dx, dh, do = distinct(rng, 3)
    return T, B, dx, dh, do


def rnn_case(rng: np.random.Generator, T: int, B: int, dx: int, dh: int, do: int, scale: float = 1.3):
    """Inputs X, initial state h0 and parameters of an Elman RNN."""
    X = rng.standard_normal((T, B, dx))
    h0 = 0.5 * rng.standard_normal((B, dh))
    return (X, h0, *rnn_params(rng, dx, dh, do, scale))
