"""Shared helpers for the chapter 5 graders: random networks and overflow checks."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect, gen
from mathdl_cli.grading.gen import random_net  # noqa: F401  (used by the graders)
from mathdl_cli.grading.errors import StudentError

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity")
ADVICE = (
    "Rewrite the formula so that np.exp only sees non-positive arguments, e.g. with np.exp(-np.abs(z)); "
    "np.where evaluates both of its branches on every entry, so it does not protect np.exp(-z)."
)


def distinct_sizes(rng: np.random.Generator, n_layers: int, low: int = 2, high: int = 9) -> list[int]:
    """n_layers + 1 pairwise-distinct widths, so that any transposed W fails."""
    return gen.distinct_sizes(rng, n_layers + 1, low, high + n_layers)


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
