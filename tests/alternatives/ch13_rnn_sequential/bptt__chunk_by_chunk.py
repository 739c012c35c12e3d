"""Truncation as its own loop: the forward pass once, then full BPTT inside each chunk, chunks processed independently."""


def bptt(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk=None):
    T, B, _ = X.shape
    tau = T if tbptt_chunk is None else min(tbptt_chunk, T)
    Hs = [h0]
    for t in range(T):
        Hs.append(np.tanh(X[t] @ W_hx.T + Hs[-1] @ W_hh.T + b_h))
    Hs = np.stack(Hs)  # Hs[t] = h_t, t = 0..T
    O_bar = (Hs[1:] @ W_oh.T + b_o - Y) / (T * B)
    grads = {"W_oh": np.einsum("tbo,tbh->oh", O_bar, Hs[1:]), "b_o": O_bar.sum(axis=(0, 1))}
    dW_hx, dW_hh, db_h, dh0 = np.zeros_like(W_hx), np.zeros_like(W_hh), np.zeros_like(b_h), None
    for start in range(0, T, tau):
        stop = min(start + tau, T)
        future = np.zeros((B, W_hh.shape[0]))
        for s in range(stop - 1, start - 1, -1):  # s is 0-based: Hs[s + 1] = h_{s+1}
            A_bar = (1.0 - Hs[s + 1] ** 2) * (O_bar[s] @ W_oh + future)
            dW_hx += A_bar.T @ X[s]
            dW_hh += A_bar.T @ Hs[s]
            db_h += A_bar.sum(axis=0)
            future = A_bar @ W_hh
        if start == 0:
            dh0 = future
    grads.update(W_hx=dW_hx, W_hh=dW_hh, b_h=db_h, h0=dh0)
    return grads
