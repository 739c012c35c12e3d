"""preactivation_variances returns Var σ(Z^ℓ) (after the activation) instead of Var Z^ℓ."""


def preactivation_variances(X, Ws, activation="tanh"):
    H, out = X, []
    for W in Ws:
        H = activate(H @ W, activation)[0]
        out.append(H.var())
    return np.array(out)
