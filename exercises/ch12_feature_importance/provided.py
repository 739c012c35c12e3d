import numpy as np


def activate(z: np.ndarray, name: str, slope: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """(σ(z), σ'(z)) elementwise (Chapter 5's exercise ch05.activation) for name in
    "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity", with the
    conventions relu'(0) = 0 and leaky_relu'(0) = slope. Finite and free of
    overflow for every float64 z (exp only ever sees -|z|)."""
    z = np.asarray(z, dtype=np.float64)
    if name == "sigmoid":
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0, e) / (1.0 + e), e / (1.0 + e) ** 2
    if name == "tanh":
        t = np.tanh(z)
        return t, 1.0 - t * t
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0).astype(np.float64)
    if name == "leaky_relu":
        positive = z > 0
        return np.where(positive, z, slope * z), np.where(positive, 1.0, slope)
    if name == "softplus":
        e = np.exp(-np.abs(z))
        return np.logaddexp(0.0, z), np.where(z >= 0, 1.0, e) / (1.0 + e)
    if name == "identity":
        return z.copy(), np.ones_like(z)
    raise ValueError(f"unknown activation {name!r}")


def mlp_forward(X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray], activation: str = "tanh") -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Forward pass in the book's convention (Chapter 5's exercise ch05.mlp_forward):
    H^0 = X, Z^ℓ = H^{ℓ-1} W^ℓ + 1 (B^ℓ)ᵀ, H^ℓ = σ(Z^ℓ) for ℓ < L, U = Z^L.

    Returns (U, Zs, Hs): U of shape (M, d_L), Zs[ℓ-1] = Z^ℓ of shape (M, d_ℓ)
    and Hs[ℓ-1] = H^{ℓ-1} of shape (M, d_{ℓ-1}), the input of layer ℓ (Hs[0] is X).
    """
    H = np.asarray(X, dtype=np.float64)
    Zs, Hs = [], []
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        Hs.append(H)
        Z = H @ W + b
        Zs.append(Z)
        if ell < len(Ws):
            H, _ = activate(Z, activation)
    return Zs[-1].copy(), Zs, Hs
