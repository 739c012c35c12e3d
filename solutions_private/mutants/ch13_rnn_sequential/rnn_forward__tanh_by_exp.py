"""tanh written (e^{2a} - 1)/(e^{2a} + 1): inf/inf = NaN once a unit saturates (a > 355)."""


def rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o):
    T, B, _ = X.shape
    H = np.empty((T, B, W_hh.shape[0]))
    h = h0
    for t in range(T):
        e = np.exp(2.0 * (X[t] @ W_hx.T + h @ W_hh.T + b_h))
        h = (e - 1.0) / (e + 1.0)
        H[t] = h
    return H, H @ W_oh.T + b_o
