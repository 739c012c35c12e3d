"""δ^L divided by the number of samples M instead of the batch size |B|."""


def mlp_sgd_epoch(X, Y, Ws, bs, batches, lr, activation="tanh"):
    Ws = [W.copy() for W in Ws]
    bs = [b.copy() for b in bs]
    L = len(Ws)
    for idx in batches:
        Hs, Zs = [X[idx]], []
        for l in range(L):
            Zs.append(Hs[-1] @ Ws[l] + bs[l])
            if l < L - 1:
                Hs.append(activate(Zs[-1], activation)[0])
        delta = (Zs[-1] - Y[idx]) / X.shape[0]
        grads = [None] * L
        for l in range(L - 1, -1, -1):
            grads[l] = (Hs[l].T @ delta, delta.sum(axis=0))
            if l > 0:
                delta = (delta @ Ws[l].T) * activate(Zs[l - 1], activation)[1]
        Ws = [W - lr * gW for W, (gW, _) in zip(Ws, grads)]
        bs = [b - lr * gb for b, (_, gb) in zip(bs, grads)]
    return Ws, bs
