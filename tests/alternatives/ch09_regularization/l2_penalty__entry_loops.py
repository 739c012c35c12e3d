"""Entry-by-entry Python loops over every weight (np.ndindex), nothing vectorised."""


def l2_penalized_grads(dWs, Ws, lam):
    out = []
    for dW, W in zip(dWs, Ws):
        g = np.empty(W.shape)
        for idx in np.ndindex(W.shape):
            g[idx] = dW[idx] + lam * W[idx]
        out.append(g)
    return out


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    decay = 1.0 - lr * lam
    new_Ws, new_bs = [], []
    for W, dW in zip(Ws, dWs):
        N = np.empty(W.shape)
        for idx in np.ndindex(W.shape):
            N[idx] = decay * W[idx] - lr * dW[idx]
        new_Ws.append(N)
    for b, db in zip(bs, dbs):
        new_bs.append(np.array([b[i] - lr * db[i] for i in range(b.shape[0])], dtype=np.float64))
    return new_Ws, new_bs
