"""The book's index form with np.einsum: δ^ℓ_{mi} = Σ_j δ^{ℓ+1}_{mj} w^{ℓ+1}_{ij} σ'(Z^ℓ_{mi}) and ∂Λ/∂w^ℓ_{ij} = Σ_m δ^ℓ_{mj} H^{ℓ-1}_{mi}; the lists built backwards and reversed."""


def mlp_backward(X, Y, Ws, bs, activation="tanh"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M = X.shape[0]
    diff = U - Y
    loss = float(np.einsum("mk,mk->", diff, diff)) / (2.0 * M)
    delta = diff / M
    dWs, dbs = [], []
    for ell in reversed(range(len(Ws))):
        dWs.append(np.einsum("mi,mj->ij", Hs[ell], delta))
        dbs.append(np.einsum("mj->j", delta))
        if ell:
            delta = np.einsum("mj,ij->mi", delta, Ws[ell]) * activate(Zs[ell - 1], activation)[1]
    return loss, dWs[::-1], dbs[::-1]
