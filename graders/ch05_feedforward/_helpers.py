"""Shared helpers for the chapter 5 graders: random networks and overflow checks."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.errors import StudentError

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity")
ADVICE = (
    "Rewrite the formula so that np.exp only sees non-positive arguments, e.g. with np.exp(-np.abs(z)); "
    "np.where evaluates both of its branches on every entry, so it does not protect np.exp(-z)."
)


def random_net(rng: np.random.Generator, sizes: list[int], scale: float = 1.0) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights W^ℓ (d_{ℓ-1}, d_ℓ) with entries N(0, scale²/d_{ℓ-1}) and biases N(0, 0.25)."""
    Ws = [scale * rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [0.5 * rng.standard_normal(b) for b in sizes[1:]]
    return Ws, bs


def distinct_sizes(rng: np.random.Generator, n_layers: int, low: int = 2, high: int = 9) -> list[int]:
    """n_layers + 1 pairwise-distinct widths, so that any transposed W fails."""
    return [int(v) for v in rng.choice(np.arange(low, high + n_layers + 1), size=n_layers + 1, replace=False)]


def strict_call(student, name: str, *args, what: str):
    """Call ``student.<name>(*args)`` under ``np.errstate(all="raise")`` in the child
    (underflow to 0 stays allowed): an overflow, a division by zero or an invalid
    operation becomes a failure that says what to do about it."""
    try:
        with student.errstate("raise"):
            return getattr(student, name)(*args)
    except StudentError as exc:
        if (exc.diagnostic or {}).get("exception") != "FloatingPointError":
            raise
        expect.that(
            False,
            "must run without overflow, division by zero or invalid values "
            "(checked under np.errstate(all='raise'); underflow to 0 is allowed)",
            quantity=what,
            detail=exc.message + "\n" + ADVICE,
        )
