"""Per-sample backward sweeps: the squared norms of each layer's δ accumulated over the samples, square roots at the end."""


def delta_norms(X, Y, Ws, bs, activation):
    M = X.shape[0]
    L = len(Ws)
    sq = np.zeros(L)
    for m in range(M):
        zs, h = [], X[m]
        for ell in range(L):
            z = h @ Ws[ell] + bs[ell]
            zs.append(z)
            h = activate(z, activation)[0] if ell < L - 1 else z
        delta = (h - Y[m]) / M
        for ell in range(L - 1, -1, -1):
            sq[ell] += float(delta @ delta)
            if ell:
                delta = (Ws[ell] @ delta) * activate(zs[ell - 1], activation)[1]
    return np.sqrt(sq)
