"""Reference solutions for chapter 6 (backpropagation). Instructors only.

This file is executed after exercises/ch06_backprop/provided.py, whose
activate and mlp_forward (Chapter 5's references) it uses.
"""

import numpy as np


def _backward(delta_L: np.ndarray, Ws: list[np.ndarray], Zs: list[np.ndarray], activation: str) -> list[np.ndarray]:
    """All deltas δ^1..δ^L from δ^L by δ^ℓ = (δ^{ℓ+1} (W^{ℓ+1})ᵀ) ⊙ σ'(Z^ℓ)."""
    L = len(Ws)
    deltas = [None] * L
    deltas[L - 1] = delta_L
    for i in range(L - 2, -1, -1):  # i = ℓ - 1 for ℓ = L-1, ..., 1
        _, dsigma = activate(Zs[i], activation)
        deltas[i] = (deltas[i + 1] @ Ws[i + 1].T) * dsigma
    return deltas


def _gradients(deltas: list[np.ndarray], Hs: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    dWs = [H.T @ d for H, d in zip(Hs, deltas)]
    dbs = [d.sum(axis=0) for d in deltas]
    return dWs, dbs


def _square_loss_deltas(X, Y, Ws, bs, activation):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M = X.shape[0]
    R = U - Y
    loss = 0.5 * float(np.sum(R * R)) / M
    return loss, _backward(R / M, Ws, Zs, activation), Hs


def mlp_backward(X: np.ndarray, Y: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], activation: str = "tanh"):
    loss, deltas, Hs = _square_loss_deltas(X, Y, Ws, bs, activation)
    dWs, dbs = _gradients(deltas, Hs)
    return loss, dWs, dbs


def mlp_backward_ce(X: np.ndarray, y: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], activation: str = "relu"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M, C = U.shape
    y = np.asarray(y, dtype=np.int64).reshape(-1)
    S = U - U.max(axis=1, keepdims=True)  # entries ≤ 0: exp cannot overflow
    logP = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    rows = np.arange(M)
    loss = -float(logP[rows, y].sum()) / M
    G = np.exp(logP)
    G[rows, y] -= 1.0  # P - E_y
    deltas = _backward(G / M, Ws, Zs, activation)
    dWs, dbs = _gradients(deltas, Hs)
    return loss, dWs, dbs


def numerical_gradient(f, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    x = np.array(theta, dtype=np.float64)  # a private copy, any shape
    flat = x.reshape(-1)  # a view: writing flat[i] changes x
    grad = np.empty(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(f(x))
        flat[i] = old - h
        f_minus = float(f(x))
        flat[i] = old  # restore exactly
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad.reshape(x.shape)


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def delta_norms(X: np.ndarray, Y: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], activation: str) -> np.ndarray:
    _, deltas, _ = _square_loss_deltas(X, Y, Ws, bs, activation)
    return np.array([np.linalg.norm(d) for d in deltas])
