"""h̄_t missing the future term: h̄_t = W_ohᵀ ō_t only (no W_hhᵀ ā_{t+1})."""


def bptt(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk=None):
    T, B, _ = X.shape
    H, O = rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o)
    H_prev = np.concatenate([h0[None], H[:-1]])
    dO = (O - Y) / (T * B)
    dA = (1.0 - H**2) * (dO @ W_oh)
    return {
        "W_hx": np.einsum("tbi,tbj->ij", dA, X),
        "W_hh": np.einsum("tbi,tbj->ij", dA, H_prev),
        "b_h": dA.sum(axis=(0, 1)),
        "W_oh": np.einsum("tbo,tbh->oh", dO, H),
        "b_o": dO.sum(axis=(0, 1)),
        "h0": dA[0] @ W_hh,
    }
