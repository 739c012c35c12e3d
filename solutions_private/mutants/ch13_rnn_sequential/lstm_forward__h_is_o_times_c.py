"""Output h_t = o ⊙ c_t, without the tanh of the cell."""


def lstm_forward(X, h0, c0, W_ih, W_hh, b_ih, b_hh):
    n = h0.shape[1]
    H_seq = np.empty((X.shape[0], X.shape[1], n))
    h, c = h0, c0
    for t in range(X.shape[0]):
        z = X[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        i, f, g, o = _sigmoid(z[:, :n]), _sigmoid(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), _sigmoid(z[:, 3 * n:])
        c = f * c + i * g
        h = o * c
        H_seq[t] = h
    return H_seq, h, c
