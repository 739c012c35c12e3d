"""Data shared by the chapter 4 graders.

Points for the perceptrons lie on the dyadic grid (multiples of 1/8, |x| ≤ 2):
every sum and inner product the perceptron forms is then exact in float64, so
the mistake test y w̃·x̃ ≤ 0 has one right answer, ties included, and w̃ equals
Σ α_m y_m x̃_m exactly, whatever the order of the additions.
"""

from __future__ import annotations

import numbers

import numpy as np

from mathdl_cli.grading import expect


def dyadic(rng: np.random.Generator, shape, half_width: int = 16) -> np.ndarray:
    """Multiples of 1/8 in [-half_width/8, half_width/8]."""
    return rng.integers(-half_width, half_width + 1, size=shape) / 8.0


def augmented(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(X.shape[0])])


def separable(rng: np.random.Generator, M: int, d: int, gamma: float = 0.3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (M, d) dyadic, y (M,) int64 ±1, u (d+1,) unit) with y_m u·x̃_m ≥ gamma for all m."""
    u = rng.standard_normal(d + 1)
    u[-1] = rng.uniform(-0.6, 0.6) * np.linalg.norm(u[:-1])  # a bias is needed, but not a dominant one
    u /= np.linalg.norm(u)
    rows = []
    while len(rows) < M:
        cand = dyadic(rng, (4 * M, d))
        keep = cand[np.abs(augmented(cand) @ u) >= gamma]
        rows.extend(keep[: M - len(rows)])
    X = np.array(rows)
    y = np.where(augmented(X) @ u > 0, 1, -1).astype(np.int64)
    return X, y, u


def novikoff_bound(X: np.ndarray, y: np.ndarray, u: np.ndarray) -> float:
    """(R/γ)² with R = max ‖x̃_m‖ and γ = min y_m u·x̃_m (u a unit vector)."""
    Xt = augmented(X)
    R = np.linalg.norm(Xt, axis=1).max()
    gamma = np.min(y * (Xt @ u))
    return float((R / gamma) ** 2)


def xor(rng: np.random.Generator, per_quadrant: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """XOR data: dyadic points with |x_1|, |x_2| ≥ 1/2 in the four quadrants, y = sign(x_1 x_2)."""
    mag = rng.integers(4, 17, size=(4 * per_quadrant, 2)) / 8.0
    signs = np.repeat(np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]]), per_quadrant, axis=0)
    X = mag * signs
    y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1).astype(np.int64)
    perm = rng.permutation(len(X))
    return X[perm], y[perm]


def regression(rng: np.random.Generator, M: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1, 1, (M, d))
    y = np.sin(2 * X.sum(axis=1)) + 0.1 * rng.standard_normal(M)
    return X, y


def like(got, template, names):
    """Structure, type, shape and dtype of ``got`` against ``template`` (values
    not compared), for results with integer parts. (``expect.like`` compares
    integer leaves by value, so integer leaves are checked here instead.)
    ``names`` are the quantity names of the template's leaves (a str for a
    single result)."""
    if isinstance(template, tuple):
        expect.that(
            isinstance(got, (tuple, list)) and len(got) == len(template),
            f"the result must be a tuple of {len(template)}: ({', '.join(names)})",
            quantity="the result",
            detail=f"got {type(got).__name__}" + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""),
        )
        return tuple(like(g, t, n) for g, t, n in zip(got, template, names))
    if isinstance(template, np.ndarray) and template.dtype.kind in "iu":
        expect.shape(got, template.shape, quantity=names)
        expect.that(got.dtype.kind in "iu", "must be an integer array (int64)", quantity=names, detail=f"got dtype {got.dtype}")
        return got
    if isinstance(template, int):
        expect.that(
            isinstance(got, numbers.Integral) and not isinstance(got, bool),
            "must be a Python int",
            quantity=names,
            detail=f"got {type(got).__name__}",
        )
        return got
    return expect.like(got, template, names=names)
