"""Time and batch axes swapped: X read as (B, T, d_x), so the loop runs over X[:, t]."""


def rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o):
    B, T = X.shape[0], X.shape[1]
    H = np.empty((B, T, W_hh.shape[0]))
    h = h0
    for t in range(T):
        h = np.tanh(X[:, t] @ W_hx.T + h @ W_hh.T + b_h)
        H[:, t] = h
    return H, H @ W_oh.T + b_o
