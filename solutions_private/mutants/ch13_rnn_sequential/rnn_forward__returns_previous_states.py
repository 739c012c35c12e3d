"""Off by one: H holds h_0..h_{T-1} (the state is stored before it is updated)."""


def rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o):
    T, B, _ = X.shape
    H = np.empty((T, B, W_hh.shape[0]))
    h = h0
    for t in range(T):
        H[t] = h
        h = np.tanh(X[t] @ W_hx.T + h @ W_hh.T + b_h)
    return H, H @ W_oh.T + b_o
