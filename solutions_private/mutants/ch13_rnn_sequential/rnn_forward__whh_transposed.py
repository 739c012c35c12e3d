"""W_hh applied transposed: h @ W_hh instead of h @ W_hh.T (W_hhᵀ h_{t-1} in the maths)."""


def rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o):
    T, B, _ = X.shape
    H = np.empty((T, B, W_hh.shape[0]))
    h = h0
    for t in range(T):
        h = np.tanh(X[t] @ W_hx.T + h @ W_hh + b_h)
        H[t] = h
    return H, H @ W_oh.T + b_o
