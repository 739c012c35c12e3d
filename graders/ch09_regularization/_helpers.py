"""Data, exact mask enumerations and the statistical checks of the chapter 9 graders.

The statistics live here (not in the test modules) so that the course's own
tests can run exactly the same statistic on the reference over many seeds and
confirm the stated false-failure probabilities.
"""

from __future__ import annotations

import itertools

import numpy as np

from mathdl_cli.grading import gen


def distinct_sizes(rng: np.random.Generator, count: int, low: int = 1, high: int = 9) -> list[int]:
    """``count`` pairwise-distinct layer widths in [low, high]."""
    return gen.distinct_sizes(rng, count, low, high)


def network(rng: np.random.Generator, sizes: list[int], scale: float = 1.0) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights W^ℓ (sizes[ℓ-1], sizes[ℓ]) scaled by 1/sqrt(fan-in), and biases B^ℓ."""
    return gen.random_net(rng, sizes, scale, bias_scale=0.3 * scale)


def all_patterns(n: int) -> np.ndarray:
    """All 2^n binary vectors of length n as a (2^n, n) float64 array."""
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def pattern_weights(patterns: np.ndarray, p: float) -> np.ndarray:
    """P(R = pattern) = p^|R| (1-p)^(n-|R|) for independent Bernoulli(p) entries."""
    k = patterns.sum(axis=1)
    return p**k * (1.0 - p) ** (patterns.shape[1] - k)


def exact_mask_stack(n: int, M: int, p_num: int, p_den: int) -> tuple[np.ndarray, float]:
    """A (K, M, n) stack of masks whose UNWEIGHTED average is the exact expectation.

    For p = p_num / p_den, P(R = r) is proportional to p_num^|r| (p_den - p_num)^(n-|r|),
    an integer, so repeating each pattern that many times gives a multiset on
    which the plain mean is the expectation under independent Bernoulli(p)
    entries. Every sample (row) uses the same pattern in a given pass.
    """
    patterns = all_patterns(n)
    k = patterns.sum(axis=1).astype(int)
    counts = p_num**k * (p_den - p_num) ** (n - k)
    stack = np.repeat(patterns, counts, axis=0)
    return np.repeat(stack[:, None, :], M, axis=1), p_num / p_den


# -- sample_mask: the keep rate ------------------------------------------------

MASK_SHAPE = (1000, 1000)
MASK_P = 0.3
# Hoeffding: P(|mean - p| ≥ t) ≤ 2 exp(-2 n t²) = 2 exp(-18) ≈ 3.0e-8 for n = 10⁶, t = 0.003.
MASK_T = 0.003


def mask_rate_deviation(mask: np.ndarray, p: float) -> float:
    return float(abs(mask.mean() - p))


# -- mc_dropout: the K^{-1/2} decay of the Monte Carlo error ---------------------

DECAY_KS = (10, 32, 100, 316, 1000)
DECAY_REPS = (20, 10, 5, 2, 1)  # independent replicates per K, so every level has ≥ 200 error terms
DECAY_M, DECAY_N, DECAY_P = 50, 4, 0.6
# The fitted slope of log RMS error against log K is -0.5 in theory (E‖mean_K - E P‖² = σ²/K
# exactly). Over 400 seeds of the reference its spread is 0.022 (sd), so ±0.15 is ≈ 6.8 sd:
# FFP ≈ 1e-11 under the normal approximation (CLT), and < 1e-9 allowing for heavier tails.
DECAY_TOL = 0.15


def decay_problem(rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """One hidden ReLU layer of width DECAY_N, a diagonal linear output (so the
    error entries are independent), inputs (DECAY_M, 3)."""
    X = rng.standard_normal((DECAY_M, 3))
    W1 = rng.standard_normal((3, DECAY_N))
    b1 = 0.5 + 0.5 * rng.standard_normal(DECAY_N)
    W2 = np.diag(rng.uniform(0.5, 1.5, DECAY_N))
    b2 = rng.standard_normal(DECAY_N)
    return X, [W1, W2], [b1, b2]


def decay_masks(rng: np.random.Generator, K: int) -> list[np.ndarray]:
    return [(rng.random((K, DECAY_M, DECAY_N)) < DECAY_P).astype(np.float64)]


def decay_slope(rms_errors: list[float]) -> float:
    return float(np.polyfit(np.log(DECAY_KS), np.log(rms_errors), 1)[0])


def decay_statistic(rng: np.random.Generator, mc_predict, exact: np.ndarray) -> tuple[float, list[float]]:
    """The fitted slope and the RMS errors per K of ``mc_predict(masks)`` against ``exact``."""
    errors = []
    for K, reps in zip(DECAY_KS, DECAY_REPS):
        mse = 0.0
        for _ in range(reps):
            got = mc_predict(decay_masks(rng, K))
            mse += float(np.mean((got - exact) ** 2))
        errors.append(float(np.sqrt(mse / reps)))
    return decay_slope(errors), errors
