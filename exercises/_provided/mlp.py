# Chapter 5's activations and forward pass, implemented (shared by the chapters whose
# chapter.yaml says `provided: [mlp]`).

import numpy as np


def activate(z: np.ndarray, name: str, slope: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """(σ(z), σ'(z)) elementwise for name in sigmoid, tanh, relu, leaky_relu,
    softplus, identity (Chapter 5's exercise ch05.activation), with relu'(0) = 0
    and leaky_relu'(0) = slope; finite and overflow-free for any float64 z."""
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
    """Forward pass in the book's convention (Chapter 5's exercise ch05.mlp_forward).

    H^0 = X, Z^ℓ = H^{ℓ-1} W^ℓ + 1 (B^ℓ)ᵀ (ℓ = 1..L), H^ℓ = σ(Z^ℓ) (ℓ < L);
    the output is U = Z^L ("identity") or P = S_softmax(Z^L) row-wise ("softmax").

    Returns (out, Zs, Hs) with Zs[ℓ-1] = Z^ℓ of shape (M, d_ℓ) and
    Hs[ℓ-1] = H^{ℓ-1} of shape (M, d_{ℓ-1}), the input of layer ℓ (Hs[0] is X).
    """
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
