"""Each sequence on its own with column vectors, exactly as the maths reads: h_t = tanh(W_hx x_t + W_hh h_{t-1} + b_h)."""


def rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o):
    T, B, _ = X.shape
    H = np.zeros((T, B, W_hh.shape[0]))
    O = np.zeros((T, B, W_oh.shape[0]))
    for b in range(B):
        h = h0[b]
        for t in range(T):
            h = np.tanh(W_hx @ X[t, b] + W_hh @ h + b_h)
            H[t, b] = h
            O[t, b] = W_oh @ h + b_o
    return H, O
