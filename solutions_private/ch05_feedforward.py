"""Reference solutions for chapter 5 (feedforward networks). Instructors only.

``activate`` and ``mlp_forward`` are repeated verbatim in
``exercises/ch06_backprop/provided.py``; tests/oracles/test_ch05_feedforward.py
checks that the two copies agree.
"""

from __future__ import annotations

import numpy as np


def activate(z: np.ndarray, name: str, slope: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    z = np.asarray(z, dtype=np.float64)
    if name == "sigmoid":
        e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
        s = np.where(z >= 0, 1.0, e) / (1.0 + e)
        return s, e / (1.0 + e) ** 2
    if name == "tanh":
        t = np.tanh(z)
        return t, 1.0 - t * t
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0).astype(np.float64)
    if name == "leaky_relu":
        pos = z > 0
        return np.where(pos, z, slope * z), np.where(pos, 1.0, slope)
    if name == "softplus":
        e = np.exp(-np.abs(z))
        return np.logaddexp(0.0, z), np.where(z >= 0, 1.0, e) / (1.0 + e)
    if name == "identity":
        return z.copy(), np.ones_like(z)
    raise ValueError(f"unknown activation {name!r}")


def _softmax_rows(Z: np.ndarray) -> np.ndarray:
    S = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(S)
    return E / E.sum(axis=1, keepdims=True)


def mlp_forward(X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], activation: str = "tanh", output: str = "identity"):
    if output not in ("identity", "softmax"):
        raise ValueError(f"unknown output {output!r}")
    H = np.asarray(X, dtype=np.float64)
    Zs, Hs = [], []
    L = len(Ws)
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        Hs.append(H)
        Z = H @ W + b
        Zs.append(Z)
        if ell < L:
            H, _ = activate(Z, activation)
    out = _softmax_rows(Zs[-1]) if output == "softmax" else Zs[-1].copy()
    return out, Zs, Hs


def count_params(layer_sizes: list[int]) -> int:
    return int(sum((d_in + 1) * d_out for d_in, d_out in zip(layer_sizes[:-1], layer_sizes[1:])))


def xor_network() -> tuple[list[np.ndarray], list[np.ndarray]]:
    # h_1 = relu(x_1 + x_2), h_2 = relu(x_1 + x_2 - 1), m = h_1 - 2 h_2
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0], [-2.0]])
    b2 = np.array([0.0])
    return [W1, W2], [b1, b2]
