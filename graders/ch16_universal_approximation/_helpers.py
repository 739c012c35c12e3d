"""Shared pieces of the chapter 16 graders: functions handed to student code (they
run here and log where they are evaluated), input generators, log-log slopes and
the random-feature problem of the statistical check."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect


def loglog_slope(x, y) -> float:
    """Least-squares slope of log y against log x; nan unless every y is finite and > 0
    (so a degenerate result fails the comparison instead of breaking the fit)."""
    y = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(y) & (y > 0)):
        return float("nan")
    return float(np.polyfit(np.log(np.asarray(x, dtype=np.float64)), np.log(y), 1)[0])


# -- ch16.relu_interpolant ------------------------------------------------------------


def random_knots(rng: np.random.Generator, K: int, start: float = 0.0, span: float = 1.0) -> np.ndarray:
    """K+1 strictly increasing, non-uniform knots on [start, start+span]; every gap is
    at least 30% of the mean gap, so the slopes stay moderate."""
    gaps = rng.uniform(0.3, 1.7, K)
    return start + span * np.concatenate([[0.0], np.cumsum(gaps) / gaps.sum()])


def network(a0: float, c: np.ndarray, t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """N(x) = a_0 + Σ_k c_k ReLU(x - t_k), the form stated in the docstring."""
    return a0 + np.maximum(x[:, None] - t[None, :], 0.0) @ c


def interpolant_outputs(got, K: int):
    """Structure, types and shapes of (a_0, c, t); returns them as float64."""
    a0, c, t = expect.like(got, (0.0, np.zeros(K), np.zeros(K)))
    return float(a0), np.asarray(c, dtype=np.float64), np.asarray(t, dtype=np.float64)


# -- ch16.sigmoid_staircase -----------------------------------------------------------


class Logged:
    """A vectorised f that runs in the grader and records every point it is called at."""

    def __init__(self, fn, lipschitz: float, name: str):
        self.fn, self.lipschitz, self.name = fn, float(lipschitz), name
        self.points: list[np.ndarray] = []

    def __call__(self, x):
        x = np.array(x, dtype=np.float64).reshape(-1)
        self.points.append(x.copy())
        return self.fn(x)

    def fresh(self) -> "Logged":
        """the same function with an empty log (for the reference's call)"""
        return Logged(self.fn, self.lipschitz, self.name)


def lipschitz_function(name: str, rng: np.random.Generator | None = None) -> Logged:
    """Test functions on [0, 1] with a known Lipschitz constant L (sup |f'|)."""
    if name == "line":
        return Logged(lambda x: 2.0 * x - 0.5, 2.0, "f(x) = 2x - 1/2")
    if name == "sin":
        return Logged(lambda x: np.sin(4.0 * x), 4.0, "f(x) = sin(4x)")
    if name == "kink":
        return Logged(lambda x: np.abs(x - 0.37), 1.0, "f(x) = |x - 0.37|")
    if name == "mix":  # |f'| = |-3.5 sin(7x) + 2x| ≤ 5.5
        return Logged(lambda x: 0.5 * np.cos(7.0 * x) + x**2, 5.5, "f(x) = cos(7x)/2 + x²")
    if name == "zigzag":  # random piecewise-linear, slopes in [-L, L]
        assert rng is not None
        L = float(rng.uniform(0.5, 6.0))
        knots = np.concatenate([[0.0], np.sort(rng.uniform(0, 1, 9)), [1.0]])
        vals = np.concatenate([[0.0], np.cumsum(np.diff(knots) * rng.uniform(-L, L, 10))]) + rng.uniform(-1, 1)
        return Logged(lambda x: np.interp(x, knots, vals), L, f"a random zigzag with |slope| ≤ {L:.3g}")
    raise ValueError(name)


def grid_only(f: Logged, K: int) -> None:
    """f was evaluated only at the grid points k/K (the network uses only those samples)."""
    pts = np.concatenate(f.points) if f.points else np.zeros(0)
    grid = np.arange(K + 1) / K
    off = pts[np.min(np.abs(pts[:, None] - grid[None, :]), axis=1) > 1e-12] if pts.size else pts
    expect.that(
        pts.size > 0 and off.size == 0,
        f"f may only be evaluated at the grid points k/K (K = {K})",
        quantity="points where your code evaluated f",
        detail=("f was never called" if pts.size == 0 else f"it was also evaluated at {np.round(off[:5], 6).tolist()}")
        + ": N uses only the samples f(0), f(1/K), ..., f(1)",
    )


# -- ch16.random_features -------------------------------------------------------------


def features(x: np.ndarray, w: np.ndarray, b: np.ndarray, act: str) -> np.ndarray:
    """Φ_{mi} = σ(w_i x_m + b_i)/N, written from the docstring (for optimality checks)."""
    z = np.outer(x, w) + b
    return (np.maximum(z, 0.0) if act == "relu" else np.tanh(z)) / len(w)


def spread_features(rng: np.random.Generator, N: int, lo: float = -1.0, hi: float = 1.0, scale: float = 3.0):
    """(w, b) with |w_i| ~ scale and the kinks -b_i/w_i spread evenly (jittered) over
    the middle 80% of [lo, hi] (a kink near the edge of the data makes its feature
    nearly linear there), so that Φ is well conditioned. The signs of w alternate along
    the kinks, so no point of [lo, hi] has every feature dead (N ≥ 2)."""
    w = scale * rng.uniform(0.7, 1.3, N) * rng.choice([-1.0, 1.0]) * (-1.0) ** np.arange(N)
    kinks = lo + (hi - lo) * (0.1 + 0.8 * (np.arange(N) + rng.uniform(0.2, 0.8, N)) / N)
    return w, -w * kinks


def spread_points(rng: np.random.Generator, M: int, lo: float = -1.0, hi: float = 1.0) -> np.ndarray:
    """M sorted points, one in each of M equal cells of [lo, hi] (jittered)."""
    return lo + (hi - lo) * (np.arange(M) + rng.uniform(0.1, 0.9, M)) / M


def value_case(rng: np.random.Generator, trial: int):
    """(x, w, b, act) of a hidden value check: M = 1 and 2 with N ≤ 3, else M ≥ 3N so
    every kink is resolved by the data; tanh with N ≤ 4 (smooth features are nearly
    dependent beyond). cond(Φ) stays below 1e3 (tests/oracles/test_ch16_*), so every
    correct least-squares solver agrees to ~1e-9."""
    N = [int(rng.integers(1, 4)), 1, int(rng.integers(2, 7)), int(rng.integers(2, 5))][trial]
    M = [1, 2, int(rng.integers(3 * N, 61)), int(rng.integers(3 * N, 61))][trial]
    act = ["relu", "tanh"][int(rng.integers(2))] if trial < 3 else "tanh"
    N = min(N, 4) if act == "tanh" else N
    w, b = spread_features(rng, N, scale=2.0)
    return spread_points(rng, M), w, b, act


# The statistical check: nested random features approximating a smooth target.
RF_NS = (10, 20, 40, 80, 160)
RF_M = 500


def rf_target(x: np.ndarray) -> np.ndarray:
    return np.sin(2.0 * x) + 0.5 * np.cos(5.0 * x)


def rf_problem(rng: np.random.Generator):
    """x ~ U(-1, 1) (M = 500 points), y = smooth target, and 160 random features with
    w ~ N(0, 9) and kinks -b/w ~ U(-1, 1) inside the data range."""
    x = rng.uniform(-1.0, 1.0, RF_M)
    w = 3.0 * rng.standard_normal(RF_NS[-1])
    b = -w * rng.uniform(-1.0, 1.0, RF_NS[-1])
    return x, rf_target(x), w, b


def rf_errors(preds: list[np.ndarray], y: np.ndarray) -> np.ndarray:
    """Root-mean-square error of each prediction vector."""
    return np.array([float(np.sqrt(np.mean((p - y) ** 2))) for p in preds])
