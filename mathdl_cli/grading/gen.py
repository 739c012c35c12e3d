"""Input generators shared by graders: draw everything from the check's ``rng``.

The catalog's hidden-case patterns (pairwise-distinct sizes, so a transposed
weight or swapped axes cannot go unnoticed) live here once.
"""

from __future__ import annotations

import numpy as np


def distinct_sizes(rng: np.random.Generator, count: int, low: int, high: int) -> list[int]:
    """``count`` pairwise-distinct integers in [low, high] (layer widths, T ≠ B, C_in ≠ C_out)."""
    return [int(v) for v in rng.choice(np.arange(low, high + 1), size=count, replace=False)]


def random_net(
    rng: np.random.Generator, sizes: list[int], scale: float = 1.0, bias_scale: float = 0.5
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The book's layers: W^ℓ of shape (d_{ℓ-1}, d_ℓ) with entries N(0, scale²/d_{ℓ-1})
    and B^ℓ of shape (d_ℓ,) with entries N(0, bias_scale²)."""
    Ws = [scale * rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [bias_scale * rng.standard_normal(b) for b in sizes[1:]]
    return Ws, bs
