"""The provided mlp_forward for the caches of each batch, deltas in index form with np.einsum, all gradients collected before the update."""


def mlp_sgd_epoch(X, Y, Ws, bs, batches, lr, activation="tanh"):
    Ws = [W.astype(np.float64) for W in Ws]
    bs = [b.astype(np.float64) for b in bs]
    for idx in batches:
        idx = np.asarray(idx)
        U, Zs, Hs = mlp_forward(X[idx], Ws, bs, activation)
        delta = (U - Y[idx]) / idx.size
        grads = []
        for ell in range(len(Ws) - 1, -1, -1):
            grads.append((np.einsum("mi,mj->ij", Hs[ell], delta), delta.sum(axis=0)))
            if ell:
                delta = np.einsum("mj,ij->mi", delta, Ws[ell]) * activate(Zs[ell - 1], activation)[1]
        grads.reverse()
        Ws = [W - lr * gW for W, (gW, _) in zip(Ws, grads)]
        bs = [b - lr * gb for b, (_, gb) in zip(bs, grads)]
    return Ws, bs
