"""Within each batch, per-sample backward sweeps accumulate the gradients (summed, then divided by |B|); the update is applied after the whole batch."""


def mlp_sgd_epoch(X, Y, Ws, bs, batches, lr, activation="tanh"):
    Ws = [np.array(W, dtype=np.float64) for W in Ws]
    bs = [np.array(b, dtype=np.float64) for b in bs]
    L = len(Ws)
    for batch in batches:
        gW = [np.zeros_like(W) for W in Ws]
        gb = [np.zeros_like(b) for b in bs]
        for m in batch:
            hs, zs = [X[m]], []
            for ell in range(L):
                zs.append(hs[-1] @ Ws[ell] + bs[ell])
                if ell < L - 1:
                    hs.append(activate(zs[-1], activation)[0])
            delta = zs[-1] - Y[m]
            for ell in range(L - 1, -1, -1):
                gW[ell] += np.outer(hs[ell], delta)
                gb[ell] += delta
                if ell > 0:
                    delta = (Ws[ell] @ delta) * activate(zs[ell - 1], activation)[1]
        n = len(batch)
        Ws = [W - lr * (G / n) for W, G in zip(Ws, gW)]
        bs = [b - lr * (G / n) for b, G in zip(bs, gb)]
    return Ws, bs
