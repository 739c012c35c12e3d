"""Shared helpers for the chapter 5 graders: random networks and overflow checks."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect, gen
from mathdl_cli.grading.gen import random_net  # noqa: F401  (used by the graders)

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity")
ADVICE = (
    "Rewrite the formula so that np.exp only sees non-positive arguments, e.g. with np.exp(-np.abs(z)); "
    "np.where evaluates both of its branches on every entry, so it does not protect np.exp(-z)."
)


def distinct_sizes(rng: np.random.Generator, n_layers: int, low: int = 2, high: int = 9) -> list[int]:
    """n_layers + 1 pairwise-distinct widths, so that any transposed W fails."""
    return gen.distinct_sizes(rng, n_layers + 1, low, high + n_layers)


def strict_call(student, name: str, *args, what: str):
    """``expect.without_overflow`` with this chapter's advice."""
    return expect.without_overflow(student, name, *args, what=what, advice=ADVICE)
