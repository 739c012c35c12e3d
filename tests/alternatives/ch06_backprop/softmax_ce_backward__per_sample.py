"""Per-sample loop: each sample's logits shifted by their own maximum, its delta (p - e_y)/M pushed down the layers as a vector."""


def mlp_backward_ce(X, y, Ws, bs, activation="relu"):
    M = X.shape[0]
    L = len(Ws)
    dWs = [np.zeros(W.shape) for W in Ws]
    dbs = [np.zeros(b.shape) for b in bs]
    loss = 0.0
    for m in range(M):
        hs, zs = [X[m]], []
        for ell in range(L):
            zs.append(hs[-1] @ Ws[ell] + bs[ell])
            if ell < L - 1:
                hs.append(activate(zs[-1], activation)[0])
        u = zs[-1]
        s = u - u.max()
        lse = np.log(np.sum(np.exp(s)))
        loss -= s[y[m]] - lse
        delta = np.exp(s - lse)
        delta[y[m]] -= 1.0
        delta /= M
        for ell in range(L - 1, -1, -1):
            dWs[ell] += np.outer(hs[ell], delta)
            dbs[ell] += delta
            if ell > 0:
                delta = (Ws[ell] @ delta) * activate(zs[ell - 1], activation)[1]
    return float(loss / M), dWs, dbs
