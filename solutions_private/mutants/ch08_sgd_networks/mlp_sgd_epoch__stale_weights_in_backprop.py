"""W^ℓ updated before δ^{ℓ-1} is computed, so backprop uses the new weights."""


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
        delta = (Zs[-1] - Y[idx]) / len(idx)
        for l in range(L - 1, -1, -1):
            Ws[l] = Ws[l] - lr * Hs[l].T @ delta
            bs[l] = bs[l] - lr * delta.sum(axis=0)
            if l > 0:
                delta = (delta @ Ws[l].T) * activate(Zs[l - 1], activation)[1]
    return Ws, bs
