"""Reference solutions for chapter 20 (mean-field scaling). Instructors only.

This file is executed after the provided helpers activate (Chapter 5) and
two_layer (the network g(x) = N^{-γ} Σ c^i σ(w^i·x)), which it uses.
"""

from collections.abc import Callable

import numpy as np


def mf_sgd_step(c: np.ndarray, W: np.ndarray, x: np.ndarray, y: float, alpha: float, act: str = "tanh",
                gamma: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    N = c.shape[0]
    s, ds = activate(W @ x, act)  # (N,)
    e = y - N ** (-gamma) * (c @ s)
    step = alpha * N ** (gamma - 2.0) * e  # α N^{2γ-2} (learning rate) × N^{-γ} (∂g/∂θ^i) × e
    return c + step * s, W + np.outer(step * c * ds, x)


def init_output_variance(c: np.ndarray, W: np.ndarray, x: np.ndarray, gamma: float, act: str = "tanh") -> float:
    R, N, d = W.shape
    s, _ = activate((W.reshape(R * N, d) @ x).reshape(R, N), act)
    g = np.einsum("rn,rn->r", c, s) * N ** (-gamma)
    return float(np.var(g))


def weak_form_increment(c: np.ndarray, W: np.ndarray, x: np.ndarray, y: float, alpha: float,
                        f_grad: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]], act: str = "tanh") -> float:
    N = c.shape[0]
    s, ds = activate(W @ x, act)
    e = y - (c @ s) / N
    fc, fw = f_grad(c, W)  # (N,), (N, d)
    fc, fw = np.asarray(fc, dtype=np.float64), np.asarray(fw, dtype=np.float64)
    return float(alpha / N * e * np.mean(fc * s + (fw @ x) * c * ds))


def train_mf(c0: np.ndarray, W0: np.ndarray, data_x: np.ndarray, data_y: np.ndarray, idx_seq: np.ndarray, alpha: float,
             t_final: float, act: str = "tanh", gamma: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    R, N, d = W0.shape
    k = int(np.floor(t_final * N + 1e-9))
    lr, scale = alpha * N ** (gamma - 2.0), N ** (-gamma)
    c, W = c0.copy(), W0.copy()
    for j in range(k):
        m = int(idx_seq[j])
        x = data_x[m]
        s, ds = activate((W.reshape(R * N, d) @ x).reshape(R, N), act)
        step = lr * (data_y[m] - scale * np.einsum("rn,rn->r", c, s))[:, None]  # (R, 1)
        dw = step * c * ds  # with the old c
        c = c + step * s
        W = W + dw[:, :, None] * x
    return c, W


def relative_movement(W0: np.ndarray, WT: np.ndarray) -> float:
    moved = np.linalg.norm(WT - W0, axis=-1)
    return float(np.mean(moved) / np.mean(np.linalg.norm(W0, axis=-1)))
