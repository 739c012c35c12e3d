"""Reference solutions for chapter 9 (regularization and dropout). Instructors only."""

from __future__ import annotations

import numpy as np

# -- ch09.l2_penalty ------------------------------------------------------------


def l2_penalized_grads(dWs: list[np.ndarray], Ws: list[np.ndarray], lam: float) -> list[np.ndarray]:
    return [dW + lam * W for dW, W in zip(dWs, Ws)]


def weight_decay_step(
    Ws: list[np.ndarray], bs: list[np.ndarray], dWs: list[np.ndarray], dbs: list[np.ndarray], lr: float, lam: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    new_Ws = [(1.0 - lr * lam) * W - lr * dW for W, dW in zip(Ws, dWs)]
    new_bs = [b - lr * db for b, db in zip(bs, dbs)]
    return new_Ws, new_bs


# -- ch09.dropout ---------------------------------------------------------------


def dropout_forward(A: np.ndarray, mask: np.ndarray, p_keep: float, mode: str, inverted: bool = False) -> np.ndarray:
    if mode == "train":
        return A * mask / p_keep if inverted else A * mask
    if mode == "test":
        return A.copy() if inverted else p_keep * A
    raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")


def dropout_backward(dOut: np.ndarray, mask: np.ndarray, p_keep: float, inverted: bool = False) -> np.ndarray:
    return dOut * mask / p_keep if inverted else dOut * mask


def sample_mask(shape: tuple, p_keep: float, rng: np.random.Generator) -> np.ndarray:
    return (rng.random(shape) < p_keep).astype(np.float64)


# -- ch09.mc_dropout ------------------------------------------------------------


def _output(U: np.ndarray, output: str) -> np.ndarray:
    """The output map g applied along the last axis (the classes)."""
    if output == "identity":
        return U
    if output == "exp":
        return np.exp(U)
    if output == "softmax":
        e = np.exp(U - U.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(f"output must be 'identity', 'exp' or 'softmax', got {output!r}")


def _forward(X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], factors: list) -> np.ndarray:
    """U = Z^L with H^ℓ = factors[ℓ-1] ⊙ relu(Z^ℓ) in the hidden layers.

    A factor is a number (weight scaling) or a (K, M, d_ℓ) stack of masks, in
    which case every pass is computed at once and U has shape (K, M, d_L)."""
    H = X
    for W, b, f in zip(Ws[:-1], bs[:-1], factors):
        H = f * np.maximum(H @ W + b, 0.0)
    return H @ Ws[-1] + bs[-1]


def mc_dropout_predict(
    X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], masks: list[np.ndarray], output: str = "identity"
) -> np.ndarray:
    return _output(_forward(X, Ws, bs, masks), output).mean(axis=0)


def scaled_predict(X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], p_keep: float, output: str = "identity") -> np.ndarray:
    return _output(_forward(X, Ws, bs, [p_keep] * (len(Ws) - 1)), output)


# -- ch09.ensemble_ambiguity ------------------------------------------------------


def ensemble_decomposition(preds: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    fbar = preds.mean(axis=0)
    E = float(np.mean((fbar - y) ** 2))
    E_bar = float(np.mean((preds - y) ** 2))
    A_bar = float(np.mean((preds - fbar) ** 2))
    return E, E_bar, A_bar
