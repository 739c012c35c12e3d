"""∂Λ/∂W_hh accumulated with h_t instead of h_{t-1}: Σ ā_t h_tᵀ."""


def bptt(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk=None):
    T, B, _ = X.shape
    tau = T if tbptt_chunk is None else tbptt_chunk
    H, O = rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o)
    dO = (O - Y) / (T * B)
    dA = np.empty_like(H)
    carry = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        dA[t] = (1.0 - H[t] ** 2) * (dO[t] @ W_oh + carry)
        carry = np.zeros_like(carry) if t % tau == 0 else dA[t] @ W_hh
    return {
        "W_hx": np.einsum("tbi,tbj->ij", dA, X),
        "W_hh": np.einsum("tbi,tbj->ij", dA, H),
        "b_h": dA.sum(axis=(0, 1)),
        "W_oh": np.einsum("tbo,tbh->oh", dO, H),
        "b_o": dO.sum(axis=(0, 1)),
        "h0": dA[0] @ W_hh,
    }
