"""σ'(Z^ℓ) left out of the recursion: δ^ℓ = δ^{ℓ+1} (W^{ℓ+1})ᵀ, so nothing vanishes."""


def delta_norms(X, Y, Ws, bs, activation):
    U, _, _ = mlp_forward(X, Ws, bs, activation)
    delta = (U - Y) / X.shape[0]
    norms = [np.linalg.norm(delta)]
    for W in Ws[:0:-1]:
        delta = delta @ W.T
        norms.append(np.linalg.norm(delta))
    return np.array(norms[::-1])
