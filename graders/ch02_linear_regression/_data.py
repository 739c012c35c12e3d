"""Data generators shared by the chapter 2 graders."""

import numpy as np


def regression(rng: np.random.Generator, M: int, d: int, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """A linear model with intercept plus Gaussian noise: X (M, d), y (M,)."""
    X = rng.standard_normal((M, d))
    w = rng.standard_normal(d)
    y = X @ w + 0.7 + noise * rng.standard_normal(M)
    return X, y


def hidden_shape(rng: np.random.Generator) -> tuple[int, int]:
    """Shapes for hidden cases: tiny batches, M < d, and ordinary ones."""
    return [(1, 3), (2, 2), (4, 7), (9, 3), (40, 6), (25, 1)][int(rng.integers(6))]
