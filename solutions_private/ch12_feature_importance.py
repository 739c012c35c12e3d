"""Reference solutions for chapter 12 (feature importance). Instructors only.

Executed after exercises/ch12_feature_importance/provided.py (activate, mlp_forward).
"""

from collections.abc import Callable

import numpy as np


def gradient_importance(X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], activation: str = "tanh", output_index: int = 0, normalize: bool = True) -> np.ndarray:
    _, Zs, _ = mlp_forward(X, Ws, bs, activation)
    delta = np.zeros_like(Zs[-1])
    delta[:, output_index] = 1.0
    for ell in range(len(Ws) - 1, 0, -1):  # δ^ℓ from δ^{ℓ+1}; Ws[ell] is W^{ℓ+1}, Zs[ell-1] is Z^ℓ
        delta = (delta @ Ws[ell].T) * activate(Zs[ell - 1], activation)[1]
    grad_x = delta @ Ws[0].T
    S = np.abs(grad_x).mean(axis=0)
    return S / S.sum() if normalize else S


def _objective(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
    r = y - np.asarray(predict(X), dtype=np.float64)
    return float(r @ r) / (2 * y.shape[0])


def permutation_importance(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray, perms: np.ndarray) -> np.ndarray:
    d, R, _ = perms.shape
    base = _objective(predict, X, y)
    out = np.zeros(d)
    for i in range(d):
        for r in range(R):
            Xp = X.copy()
            Xp[:, i] = X[perms[i, r], i]
            out[i] += _objective(predict, Xp, y) - base
    return out / R


def occlusion_importance(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray) -> np.ndarray:
    base = _objective(predict, X, y)
    means = X.mean(axis=0)
    out = np.zeros(X.shape[1])
    for i in range(X.shape[1]):
        Xo = X.copy()
        Xo[:, i] = means[i]
        out[i] = _objective(predict, Xo, y) - base
    return out


def integrated_gradients(grad_fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray, x_base: np.ndarray, n_steps: int) -> np.ndarray:
    alphas = (np.arange(n_steps) + 0.5) / n_steps
    total = np.zeros_like(x, dtype=np.float64)
    for a in alphas:
        total += np.asarray(grad_fn(x_base + a * (x - x_base)), dtype=np.float64)
    return (x - x_base) * (total / n_steps)
