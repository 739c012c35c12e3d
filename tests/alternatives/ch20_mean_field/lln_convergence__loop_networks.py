"""Trains the R networks one after another, each by repeated calls of mf_sgd_step (no vectorisation over R)."""


def train_mf(c0, W0, data_x, data_y, idx_seq, alpha, t_final, act="tanh", gamma=1.0):
    R, N = c0.shape
    k = int(np.floor(t_final * N + 1e-9))
    cs, Ws = [], []
    for r in range(R):
        c, W = c0[r], W0[r]
        for j in range(k):
            m = idx_seq[j]
            c, W = mf_sgd_step(c, W, data_x[m], float(data_y[m]), alpha, act, gamma)
        cs.append(c)
        Ws.append(W)
    return np.array(cs).reshape(c0.shape), np.array(Ws).reshape(W0.shape)
