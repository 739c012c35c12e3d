"""Reference solutions for chapter 19 (the neural tangent kernel). Instructors only.

This file is executed after the provided helpers activate (Chapter 5) and
two_layer (the network g(x) = N^{-γ} Σ c^i σ(w^i·x)), which it uses.
"""

import numpy as np


def empirical_ntk(c: np.ndarray, W: np.ndarray, X1: np.ndarray, X2: np.ndarray, act: str = "tanh") -> np.ndarray:
    N = c.shape[0]
    s1, d1 = activate(X1 @ W.T, act)  # (n1, N): σ(w^i·x), σ'(w^i·x)
    s2, d2 = activate(X2 @ W.T, act)
    return (s1 @ s2.T + ((d1 * c**2) @ d2.T) * (X1 @ X2.T)) / N


def _angles(X1: np.ndarray, X2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(‖x‖‖x'‖, φ) for every pair, φ the angle between x and x' in [0, π].

    φ = 2 atan2(‖u - u'‖, ‖u + u'‖) with u = x/‖x‖ (Kahan's formula) is accurate
    to rounding for every angle, where arccos(cos φ) loses half the digits near
    0 and π. For a zero row the angle is immaterial (both terms of A vanish)."""
    n1 = np.linalg.norm(X1, axis=1)
    n2 = np.linalg.norm(X2, axis=1)
    U1 = X1 / np.where(n1 > 0, n1, 1.0)[:, None]
    U2 = X2 / np.where(n2 > 0, n2, 1.0)[:, None]
    diff = np.linalg.norm(U1[:, None, :] - U2[None, :, :], axis=2)
    summ = np.linalg.norm(U1[:, None, :] + U2[None, :, :], axis=2)
    return np.outer(n1, n2), 2.0 * np.arctan2(diff, summ)


def limit_ntk_relu(X1: np.ndarray, X2: np.ndarray) -> np.ndarray:
    P, phi = _angles(X1, X2)
    order1 = P / (2 * np.pi) * (np.sin(phi) + (np.pi - phi) * np.cos(phi))  # E[ReLU(w·x) ReLU(w·x')]
    order0 = (np.pi - phi) / (2 * np.pi)  # E[1{w·x > 0} 1{w·x' > 0}]
    return order1 + order0 * (X1 @ X2.T)


def _phi_exp(lam: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """(e^{-sλ}, (1 - e^{-sλ})/λ) elementwise, the second with its limit s at λ = 0
    and without the cancellation of 1 - e^{-sλ} for small sλ."""
    decay = np.exp(-s * lam)
    tiny = np.abs(s * lam) < 1e-12
    safe = np.where(tiny, 1.0, lam)
    phi = np.where(tiny, s * (1.0 - 0.5 * s * lam), -np.expm1(-s * lam) / safe)
    return decay, phi


def ntk_predict(A_train: np.ndarray, A_test_train: np.ndarray, h0_train: np.ndarray, h0_test: np.ndarray,
                y: np.ndarray, alpha: float, t: float) -> tuple[np.ndarray, np.ndarray]:
    M = y.shape[0]
    lam, Q = np.linalg.eigh(A_train)
    decay, phi = _phi_exp(lam, alpha * t / M)
    r0 = Q.T @ (y - h0_train)  # the residual in A's eigenbasis
    h_train = y - Q @ (decay * r0)
    h_test = h0_test + A_test_train @ (Q @ (phi * r0))  # A_xX A⁻¹(I - e^{-sA}) r_0, with φ(0) = s
    return h_train, h_test


def train_wide_net(c0: np.ndarray, W0: np.ndarray, X: np.ndarray, y: np.ndarray, lr: float, n_steps: int,
                   X_test: np.ndarray, act: str = "relu") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    N, M = c0.shape[0], X.shape[0]
    scale = 1.0 / np.sqrt(N)
    c, W = c0.copy(), W0.copy()
    for _ in range(n_steps):
        s, ds = activate(X @ W.T, act)  # (M, N)
        r = y - scale * (s @ c)  # y_m - g^N(x_m)
        grad_c = -scale * (s.T @ r) / M  # ∂Λ/∂c^i = -(1/M) Σ_m r_m σ(w^i·x_m) / √N
        grad_W = -scale * ((ds * r[:, None]).T @ X) * c[:, None] / M  # ∂Λ/∂w^i
        c = c - lr * grad_c
        W = W - lr * grad_W
    return c, W, two_layer(c, W, X_test, act, 0.5)


def min_eig_limit_kernel(X: np.ndarray, act: str) -> float:
    if act == "relu":
        A = limit_ntk_relu(X, X)
    elif act == "identity":
        A = 2.0 * (X @ X.T)  # E[(w·x)(w·x')] + E[c²] x·x'
    else:
        raise ValueError(f"no closed-form limit kernel for act={act!r} (use 'relu' or 'identity')")
    return float(np.linalg.eigvalsh(0.5 * (A + A.T))[0])
