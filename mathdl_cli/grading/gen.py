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


def opposite_extremes(
    rng: np.random.Generator, H: np.ndarray, C: int, size: float, spread: float = 20.0
) -> tuple[np.ndarray, np.ndarray]:
    """A last layer (W of shape (d, C), B of shape (C,)) whose logits Z = H W + 1 Bᵀ put the
    rows of one batch at opposite extremes: the row of H furthest along a random direction
    gets largest logit +size, the row least far gets smallest logit -size, and within a row
    the logits differ by a few times ``spread`` only. A softmax shifted by one maximum over
    the whole batch, instead of each row's own, sends the low rows to e^{-2 size} = 0 (so
    log 0 = -inf), while a row-wise shift keeps every row exact. Needs at least two rows
    of H that differ along the random direction (any generic H)."""
    d = H.shape[1]
    v = rng.standard_normal(d)
    s = H @ v
    top, bottom = int(np.argmax(s)), int(np.argmin(s))
    P = spread * rng.standard_normal((d, C)) / max(1.0, float(np.abs(H).max()) * np.sqrt(d))
    E = H @ P + spread * rng.uniform(-1.0, 1.0, C)
    alpha = (2.0 * size - (E[top].max() - E[bottom].min())) / (s[top] - s[bottom])
    beta = size - alpha * s[top] - E[top].max()
    W = alpha * np.outer(v, np.ones(C)) + P
    B = beta + E[0] - H[0] @ P  # the constant part of E: E = H P + (B - beta)
    return W, B
