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


def constant_in_span(rng: np.random.Generator, M: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Data whose columns span the constant vector, so that X̃ = [X 1] is rank deficient
    and the intercept is not identifiable on its own: one column is a constant c ≠ 0
    (drawn from the seed), or two columns sum to a constant. Centring X and y and
    fitting w alone then gives another minimiser than the minimum-norm (w, b)."""
    X, y = regression(rng, M, d)
    j, k = rng.choice(d, size=2, replace=False)
    c = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0))
    if rng.integers(2):
        X[:, j] = c
    else:
        X[:, k] = c - X[:, j]
    return X, y


def augmented(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(X.shape[0])])


def objective(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """The stated Λ(θ) = (1/(2M)) Σ_m (y_m - w·x_m - b)², b the last entry of θ."""
    r = y - X @ theta[:-1] - theta[-1]
    return float(r @ r) / (2 * X.shape[0])
