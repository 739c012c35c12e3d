"""The variance of each unit (column of Z^ℓ) averaged over the units, instead of the variance of all M·d_ℓ entries about their common mean."""


def preactivation_variances(X, Ws, activation="tanh"):
    H = X
    out = np.empty(len(Ws))
    for l, W in enumerate(Ws):
        Z = H @ W
        out[l] = Z.var(axis=0).mean()
        H = activate(Z, activation)[0]
    return out
