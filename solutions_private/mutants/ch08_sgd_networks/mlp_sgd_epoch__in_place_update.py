"""The caller's Ws and bs updated in place (W -= ...) instead of new arrays."""


def mlp_sgd_epoch(X, Y, Ws, bs, batches, lr, activation="tanh"):
    L = len(Ws)
    for idx in batches:
        Hs, Zs = [X[idx]], []
        for l in range(L):
            Zs.append(Hs[-1] @ Ws[l] + bs[l])
            if l < L - 1:
                Hs.append(activate(Zs[-1], activation)[0])
        delta = (Zs[-1] - Y[idx]) / len(idx)
        grads = []
        for l in range(L - 1, -1, -1):
            grads.append((l, Hs[l].T @ delta, delta.sum(axis=0)))
            if l > 0:
                delta = (delta @ Ws[l].T) * activate(Zs[l - 1], activation)[1]
        for l, gW, gb in grads:
            Ws[l] -= lr * gW
            bs[l] -= lr * gb
    return Ws, bs
