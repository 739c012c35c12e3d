"""Reference solutions for chapter 16 (universal approximation). Instructors only."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


# -- ch16.relu_interpolant ------------------------------------------------------------


def relu_interpolant(knots: np.ndarray, values: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    knots = np.asarray(knots, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    slopes = np.diff(values) / np.diff(knots)  # s_0, ..., s_{K-1}
    c = np.empty_like(slopes)
    c[0] = slopes[0]
    c[1:] = np.diff(slopes)  # c_k = s_k - s_{k-1}: the change of slope at knot k
    return float(values[0]), c, knots[:-1].copy()


# -- ch16.sigmoid_staircase -----------------------------------------------------------


def _sigmoid(u: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(u))  # never overflows
    return np.where(u >= 0, 1.0, e) / (1.0 + e)


def sigmoid_staircase(f: Callable[[np.ndarray], np.ndarray], K: int, lam: float, x: np.ndarray) -> np.ndarray:
    grid = np.arange(K + 1, dtype=np.float64) / K
    fv = np.asarray(f(grid), dtype=np.float64)
    jumps = np.diff(fv)  # f(k/K) - f((k-1)/K), k = 1..K
    mids = (np.arange(1, K + 1) - 0.5) / K
    x = np.asarray(x, dtype=np.float64)
    return fv[0] + _sigmoid(lam * (x[:, None] - mids[None, :])) @ jumps


def staircase_bound(L_lip: float, K: int, lam: float) -> float:
    q = np.exp(-lam / K)
    one_minus_q = -np.expm1(-lam / K)
    return float(L_lip / K * (0.5 + np.sqrt(q) * (1.0 + q) / one_minus_q))


# -- ch16.sawtooth_depth --------------------------------------------------------------


def tent_network(x: np.ndarray, k: int) -> np.ndarray:
    h = np.array(x, dtype=np.float64)
    for _ in range(k):
        h = 2.0 * np.maximum(h, 0.0) - 4.0 * np.maximum(h - 0.5, 0.0)
    return h


def count_linear_pieces(f_vals: np.ndarray, x: np.ndarray) -> int:
    f_vals = np.asarray(f_vals, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    slopes = np.diff(f_vals) / np.diff(x)
    if slopes.size < 2:
        return 1
    scale = np.max(np.abs(slopes))
    changes = np.abs(np.diff(slopes)) > 1e-6 * scale
    return int(1 + np.count_nonzero(changes))


# -- ch16.random_features -------------------------------------------------------------


def _features(x: np.ndarray, w: np.ndarray, b: np.ndarray, act: str) -> np.ndarray:
    z = np.outer(np.asarray(x, dtype=np.float64), w) + b
    if act == "relu":
        s = np.maximum(z, 0.0)
    elif act == "tanh":
        s = np.tanh(z)
    else:
        raise ValueError(f"unknown activation {act!r} (use 'relu' or 'tanh')")
    return s / len(w)


def random_features_fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, act: str = "relu") -> np.ndarray:
    Phi = _features(x, w, b, act)
    return np.linalg.lstsq(Phi, np.asarray(y, dtype=np.float64), rcond=None)[0]


def random_features_predict(x: np.ndarray, c: np.ndarray, w: np.ndarray, b: np.ndarray, act: str = "relu") -> np.ndarray:
    return _features(x, w, b, act) @ np.asarray(c, dtype=np.float64)
