"""Reference solutions for chapter 8 (SGD for multi-layer networks). Instructors only.

Executed after exercises/ch08_sgd_networks/provided.py, which defines activate().
"""

import numpy as np


def momentum_step(theta, v, g, lr: float, mu: float, nesterov: bool = False):
    v_new = mu * v + g
    step = g + mu * v_new if nesterov else v_new
    return theta - lr * step, v_new


def rmsprop_step(theta, r, g, lr: float, rho: float, delta: float):
    r_new = rho * r + (1.0 - rho) * g * g
    return theta - lr * g / np.sqrt(delta + r_new), r_new


def adam_step(theta, s, r, g, k: int, lr: float, rho1: float = 0.9, rho2: float = 0.999, delta: float = 1e-8):
    s_new = rho1 * s + (1.0 - rho1) * g
    r_new = rho2 * r + (1.0 - rho2) * g * g
    s_hat = s_new / (1.0 - rho1**k)
    r_hat = r_new / (1.0 - rho2**k)
    return theta - lr * s_hat / (delta + np.sqrt(r_hat)), s_new, r_new


def xavier_init(layer_sizes: list[int], U: list[np.ndarray], C: float = 1.0) -> list[np.ndarray]:
    return [C * u / np.sqrt(layer_sizes[l]) for l, u in enumerate(U)]


def preactivation_variances(X: np.ndarray, Ws: list[np.ndarray], activation: str = "tanh") -> np.ndarray:
    H = X
    out = np.empty(len(Ws))
    for l, W in enumerate(Ws):
        Z = H @ W
        out[l] = Z.var()
        H = activate(Z, activation)[0]
    return out


def mlp_sgd_epoch(X, Y, Ws, bs, batches, lr: float, activation: str = "tanh"):
    Ws = [np.array(W, dtype=np.float64) for W in Ws]
    bs = [np.array(b, dtype=np.float64) for b in bs]
    L = len(Ws)
    for idx in batches:
        Hs, Zs = [X[idx]], []
        for l in range(L):
            Z = Hs[-1] @ Ws[l] + bs[l]
            Zs.append(Z)
            if l < L - 1:
                Hs.append(activate(Z, activation)[0])
        delta = (Zs[-1] - Y[idx]) / len(idx)  # δ^L for Λ_B = (1/(2|B|)) Σ ||Y_m - U_m||²
        grads = [None] * L
        for l in range(L - 1, -1, -1):
            grads[l] = (Hs[l].T @ delta, delta.sum(axis=0))
            if l > 0:
                delta = (delta @ Ws[l].T) * activate(Zs[l - 1], activation)[1]
        Ws = [W - lr * gW for W, (gW, _) in zip(Ws, grads)]
        bs = [b - lr * gb for b, (_, gb) in zip(bs, grads)]
    return Ws, bs
