"""np.var with ddof=1 (the unbiased estimate) where the docstring asks for ddof = 0."""


def preactivation_variances(X, Ws, activation="tanh"):
    H = X
    out = np.empty(len(Ws))
    for l, W in enumerate(Ws):
        Z = H @ W
        out[l] = Z.var(ddof=1)
        H = activate(Z, activation)[0]
    return out
