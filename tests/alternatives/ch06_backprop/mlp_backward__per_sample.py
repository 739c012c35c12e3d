"""Backpropagation one sample at a time (vectors, not batches), the gradients summed over the samples."""


def mlp_backward(X, Y, Ws, bs, activation="tanh"):
    M = X.shape[0]
    L = len(Ws)
    dWs = [np.zeros_like(W, dtype=float) for W in Ws]
    dbs = [np.zeros_like(b, dtype=float) for b in bs]
    loss = 0.0
    for m in range(M):
        hs, zs = [X[m]], []
        for ell in range(L):
            z = hs[-1] @ Ws[ell] + bs[ell]
            zs.append(z)
            if ell < L - 1:
                hs.append(activate(z, activation)[0])
        r = zs[-1] - Y[m]
        loss += 0.5 * float(r @ r)
        delta = r / M
        for ell in range(L - 1, -1, -1):
            dWs[ell] += np.outer(hs[ell], delta)
            dbs[ell] += delta
            if ell > 0:
                delta = (Ws[ell] @ delta) * activate(zs[ell - 1], activation)[1]
    return loss / M, dWs, dbs
