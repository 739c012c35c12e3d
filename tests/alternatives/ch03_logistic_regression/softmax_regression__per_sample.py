"""A Python loop over the samples: per-row log-sum-exp with its own maximum, gradients accumulated as outer products."""


def softmax_ce_and_grad(W, b, X, y):
    K, d = W.shape
    M = X.shape[0]
    loss = 0.0
    dW = np.zeros((K, d))
    db = np.zeros(K)
    for m in range(M):
        u = W @ X[m] + b
        c = u.max()
        e = np.exp(u - c)
        s = e.sum()
        loss += c + np.log(s) - u[y[m]]
        g = e / s
        g[y[m]] -= 1.0
        dW += np.outer(g, X[m])
        db += g
    return float(loss / M), dW / M, db / M
