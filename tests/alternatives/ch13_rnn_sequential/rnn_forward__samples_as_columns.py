"""The maths' layout for the whole batch: states as COLUMNS, H_tᵀ = tanh(W_hx X_tᵀ + W_hh H_{t-1}ᵀ + b_h), transposed back at the end."""


def rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o):
    T = X.shape[0]
    Hc = h0.T  # (d_h, B): one sample per column
    states, outputs = [], []
    for t in range(T):
        Hc = np.tanh(np.dot(W_hx, X[t].T) + np.dot(W_hh, Hc) + b_h[:, None])
        states.append(Hc.T)
        outputs.append((np.dot(W_oh, Hc) + b_o[:, None]).T)
    return np.stack(states), np.stack(outputs)
