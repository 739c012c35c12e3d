"""The activation applied to the inputs too: H^0 = σ(X) instead of X."""


def preactivation_variances(X, Ws, activation="tanh"):
    H, out = activate(X, activation)[0], []
    for W in Ws:
        Z = H @ W
        out.append(Z.var())
        H = activate(Z, activation)[0]
    return np.array(out)
