"""Inputs and small utilities shared by the chapter 10 graders."""

from __future__ import annotations

import numpy as np


def batch(rng: np.random.Generator, shape: tuple[int, ...], offset: float = 0.0) -> np.ndarray:
    """Pre-activations with a different mean and scale per feature (axis 1)."""
    C = shape[1]
    loc = offset + rng.uniform(-2, 2, C)
    scale = rng.uniform(0.5, 3.0, C)
    view = (1, C) + (1,) * (len(shape) - 2)
    return loc.reshape(view) + scale.reshape(view) * rng.standard_normal(shape)


def affine(rng: np.random.Generator, C: int) -> tuple[np.ndarray, np.ndarray]:
    """γ (signs mixed, away from 0) and β per feature."""
    gamma = rng.uniform(0.5, 2.0, C) * rng.choice([-1.0, 1.0], C)
    return gamma, rng.standard_normal(C)


def feature_axes(ndim: int) -> tuple[int, ...]:
    return (0,) if ndim == 2 else (0, 2, 3)


def per_feature(v: np.ndarray, ndim: int) -> np.ndarray:
    return v if ndim == 2 else v.reshape(1, -1, 1, 1)


def random_shape(rng: np.random.Generator, four_d: bool, min_batch: int = 1) -> tuple[int, ...]:
    """Pairwise-distinct sizes; batches of 1, 2 and 3 samples are frequent."""
    M = int(rng.choice([min_batch, 2, 3, 5, 9])) if min_batch <= 2 else int(rng.choice([3, 5, 9]))
    if not four_d:
        D = int(rng.choice([d for d in (1, 4, 6, 7) if d != M]))
        return (M, D)
    C, H, W = (int(s) for s in rng.choice([1, 2, 3, 4, 5], size=3, replace=False))
    return (M, C, H, W)


def pair(result, func: str):
    """(out, cache) from a forward pass, or a clear failure if the result is not that pair."""
    from mathdl_cli.grading import expect

    expect.that(
        isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[1], dict),
        f"{func} must return a pair (out, cache) whose cache is a dict",
        quantity="the result",
        detail=f"got {type(result).__name__}" + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""),
    )
    return result[0], result[1]
