"""Backpropagation one sequence at a time with column vectors, the truncation as "is step t+1 the start of a chunk?"."""


def bptt(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk=None):
    T, B, _ = X.shape
    tau = T if tbptt_chunk is None else tbptt_chunk
    g = {"W_hx": np.zeros_like(W_hx), "W_hh": np.zeros_like(W_hh), "b_h": np.zeros_like(b_h),
         "W_oh": np.zeros_like(W_oh), "b_o": np.zeros_like(b_o), "h0": np.zeros_like(h0)}
    for b in range(B):
        hs = [h0[b]]
        for t in range(T):
            hs.append(np.tanh(W_hx @ X[t, b] + W_hh @ hs[-1] + b_h))
        carry = np.zeros(W_hh.shape[0])
        a_bar = None
        for t in range(T, 0, -1):  # t counts from 1 as in the maths; hs[t] = h_t
            o_bar = (W_oh @ hs[t] + b_o - Y[t - 1, b]) / (T * B)
            g["W_oh"] += np.outer(o_bar, hs[t])
            g["b_o"] += o_bar
            h_bar = W_oh.T @ o_bar + carry
            a_bar = (1.0 - hs[t] ** 2) * h_bar
            g["W_hx"] += np.outer(a_bar, X[t - 1, b])
            g["W_hh"] += np.outer(a_bar, hs[t - 1])
            g["b_h"] += a_bar
            starts_chunk = (t - 1) % tau == 0  # step t begins a chunk: nothing flows back past h_{t-1}
            carry = np.zeros_like(carry) if starts_chunk and t > 1 else W_hh.T @ a_bar
        g["h0"][b] = W_hh.T @ a_bar
    return g
