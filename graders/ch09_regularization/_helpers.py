"""Data, exact mask enumerations and the statistical checks of the chapter 9 graders.

The statistics live here (not in the test modules) so that the course's own
tests can run exactly the same statistic on the reference over many seeds and
confirm the stated false-failure probabilities.
"""

from __future__ import annotations

import itertools

import numpy as np

from mathdl_cli import kernels
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

MASK_SHAPE = (2000, 1000)
# Hoeffding: P(|mean - p| ≥ t) ≤ 2 exp(-2 n t²) = 2 exp(-19.36) ≈ 7.9e-9 for n = 2·10⁶, t = 0.0022.
MASK_T = 0.0022


def keep_probability(rng: np.random.Generator) -> float:
    """A keep probability drawn from the seed, in [0.15, 0.85] and half-way between two
    hundredths: p = (k + u)/100 with u ∈ [0.4, 0.6]. A quantised sampler such as
    rng.integers(0, 100) < 100 p has keep rate ⌈100 p⌉/100 (or ⌊100 p⌋/100), at least
    0.004 away from p, while the check allows 0.0022: with the binomial sd ≤ 3.6e-4 of
    n = 2·10⁶ entries, such a sampler fails with probability > 1 - 1e-6."""
    return float((int(rng.integers(15, 85)) + rng.uniform(0.4, 0.6)) / 100.0)


def mask_rate_deviation(mask: np.ndarray, p: float) -> float:
    return float(abs(mask.mean() - p))


# -- mc_dropout: softmax rows at opposite extremes ---------------------------------


def extreme_rows_problem(rng: np.random.Generator, M: int, K: int, p: float, big: float = 800.0):
    """(X, Ws, bs, masks) for one hidden ReLU layer whose softmax logits sit near +big in
    some rows of the batch and near -big in others (both signs always present).

    Two hidden units read the feature x_0 = ±1: relu(c x_0) and relu(-c x_0); the output
    layer adds big/c (resp. -big/c) times them to every logit of the row, so the logits of
    row m are ±big + O(1) in a Monte Carlo pass whose masks keep both units (the masks
    given here always do), and ±p·big + O(1) under weight scaling, where the weights carry
    an extra 1/p. A softmax shifted by the batch's GLOBAL maximum sends the rows near -big
    to exp(-2 big) = 0 and divides 0 by 0; only a shift by each row's maximum is right.
    """
    d0, n_free, C = 3, 4, 3
    X = rng.standard_normal((M, d0))
    X[:, 0] = np.where(np.arange(M) % 2 == 0, 1.0, -1.0)[rng.permutation(M)]
    c = 2.0
    W1 = np.zeros((d0, n_free + 2))
    W1[:, :n_free] = rng.standard_normal((d0, n_free))
    W1[0, n_free:] = (c, -c)
    b1 = np.concatenate([0.3 * rng.standard_normal(n_free), np.zeros(2)])
    W2 = np.vstack([rng.standard_normal((n_free, C)), np.full((1, C), big / c), np.full((1, C), -big / c)])
    b2 = 0.5 * rng.standard_normal(C)
    masks = (rng.random((K, M, n_free + 2)) < p).astype(np.float64)
    masks[:, :, n_free:] = 1.0
    return X, [W1, W2], [b1, b2], [masks]


def scaled_extreme_weights(Ws: list[np.ndarray], p: float, n_extra: int = 2) -> list[np.ndarray]:
    """The weights of extreme_rows_problem with the two extreme units' output rows divided
    by p, so that weight scaling also puts the logits at ±big + O(1)."""
    W2 = Ws[1].copy()
    W2[-n_extra:] /= p
    return [Ws[0], W2]


# -- mc_dropout: the K^{-1/2} decay of the Monte Carlo error ---------------------

DECAY_KS = (10, 32, 100, 316, 1000)
DECAY_REPS = (20, 10, 5, 2, 1)  # independent replicates per K, so every level has ≥ 200 error terms
DECAY_M, DECAY_N, DECAY_P = 50, 4, 0.6
# The fitted slope of log RMS error against log K is -0.5 in theory (E‖mean_K - E P‖² = σ²/K
# exactly). Over 1000 seeds of the reference its spread is 0.0237 (sd), so ±0.15 is ≈ 6.3 sd:
# FFP ≈ 3e-10 under the normal approximation (CLT; tests/oracles run 600 seeds).
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


def decay_masks(rng: np.random.Generator, K: int) -> list[kernels.Draw]:
    """K masks for one layer, (K, M, n): the check never reads them (only the student's
    predictions), so the child draws them from a seed (kernels.Draw; ``.values()`` here)."""
    return [kernels.bernoulli(rng, (K, DECAY_M, DECAY_N), DECAY_P)]


def decay_slope(rms_errors: list[float]) -> float:
    return float(np.polyfit(np.log(DECAY_KS), np.log(rms_errors), 1)[0])


def decay_statistic(rng: np.random.Generator, predict_all, exact: np.ndarray) -> tuple[float, list[float]]:
    """The fitted slope and the RMS errors per K of the Monte Carlo predictions against
    ``exact``; ``predict_all(list of mask stacks) -> list of predictions`` makes them all
    (a grader: in one round trip to the student's child)."""
    stacks = [decay_masks(rng, K) for K, reps in zip(DECAY_KS, DECAY_REPS) for _ in range(reps)]
    preds = iter(predict_all(stacks))
    errors = []
    for K, reps in zip(DECAY_KS, DECAY_REPS):
        mse = 0.0
        for _ in range(reps):
            got = next(preds)
            mse += float(np.mean((got - exact) ** 2))
        errors.append(float(np.sqrt(mse / reps)))
    return decay_slope(errors), errors
