"""Sigmoid written exp(z)/(1 + exp(z)): inf/inf = NaN for saturated gates (z > 709)."""


def lstm_forward(X, h0, c0, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: np.exp(z) / (1.0 + np.exp(z))  # noqa: E731
    n = h0.shape[1]
    H_seq = np.empty((X.shape[0], X.shape[1], n))
    h, c = h0, c0
    for t in range(X.shape[0]):
        z = X[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh
        i, f, g, o = sig(z[:, :n]), sig(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), sig(z[:, 3 * n:])
        c = f * c + i * g
        h = o * np.tanh(c)
        H_seq[t] = h
    return H_seq, h, c
