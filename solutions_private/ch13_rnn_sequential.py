"""Reference solutions for chapter 13 (RNNs and sequential data). Instructors only."""

from __future__ import annotations

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function without overflow: exp is only ever taken of -|z| <= 0."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o):
    T, B, _ = X.shape
    U = X @ W_hx.T + b_h  # input drive W_hx x_t + b_h for every t at once, (T, B, dh)
    H = np.empty((T, B, W_hh.shape[0]))
    h = h0
    for t in range(T):
        h = np.tanh(U[t] + h @ W_hh.T)
        H[t] = h
    O = H @ W_oh.T + b_o
    return H, O


def bptt(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk=None):
    T, B, _ = X.shape
    tau = T if tbptt_chunk is None else int(tbptt_chunk)
    if tau < 1:
        raise ValueError("tbptt_chunk must be a positive integer or None")
    H, O = rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o)
    H_prev = np.concatenate([h0[None], H[:-1]])  # h_{t-1} for t = 1..T
    dO = (O - Y) / (T * B)  # ∂Λ/∂o_t
    from_output = dO @ W_oh  # W_ohᵀ ō_t, row-wise
    dA = np.empty_like(H)  # ∂Λ/∂a_t with a_t the pre-activation of step t
    carry = np.zeros_like(h0)  # W_hhᵀ ā_{t+1}: the future's share of h̄_t
    for t in range(T - 1, -1, -1):
        dA[t] = (1.0 - H[t] ** 2) * (from_output[t] + carry)
        # the state entering step t starts a chunk when t = τ, 2τ, ...: value kept, gradient stopped
        carry = np.zeros_like(carry) if t % tau == 0 else dA[t] @ W_hh
    return {
        "W_hx": np.einsum("tbi,tbj->ij", dA, X),
        "W_hh": np.einsum("tbi,tbj->ij", dA, H_prev),
        "b_h": dA.sum(axis=(0, 1)),
        "W_oh": np.einsum("tbo,tbh->oh", dO, H),
        "b_o": dO.sum(axis=(0, 1)),
        "h0": dA[0] @ W_hh,  # h_0 only feeds the first chunk
    }


def lstm_forward(X, h0, c0, W_ih, W_hh, b_ih, b_hh):
    T, B, _ = X.shape
    n = h0.shape[1]
    U = X @ W_ih.T + (b_ih + b_hh)  # input part of the gate pre-activations, (T, B, 4H)
    H_seq = np.empty((T, B, n))
    h, c = h0, c0
    for t in range(T):
        z = U[t] + h @ W_hh.T
        i, f, g, o = _sigmoid(z[:, :n]), _sigmoid(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), _sigmoid(z[:, 3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        H_seq[t] = h
    return H_seq, h, c


def self_attention(X, W_Q, W_K, W_V, causal=False):
    Q, K, V = W_Q @ X, W_K @ X, W_V @ X
    S = (K.T @ Q) / np.sqrt(W_K.shape[0])  # S[i, j] = k_i·q_j / √d_k: key i, query j
    if causal:
        n = X.shape[1]
        S = np.where(np.tri(n, k=-1, dtype=bool), -np.inf, S)  # keys after the query (i > j)
    S = S - S.max(axis=0, keepdims=True)
    A = np.exp(S)
    A /= A.sum(axis=0, keepdims=True)  # each column (query) is a distribution over keys
    return V @ A


def hidden_jacobian_norms(W_hh, H, T):
    J = np.eye(W_hh.shape[0])
    norms = np.empty(T)
    for t in range(T):
        step = W_hh if H is None else (1.0 - H[t] ** 2)[:, None] * W_hh  # diag(1 - h_t²) W
        J = step @ J
        norms[t] = np.linalg.norm(J, 2)
    return norms
