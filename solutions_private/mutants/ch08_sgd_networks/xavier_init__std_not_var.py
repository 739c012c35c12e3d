"""The standard deviation np.std(Z) reported instead of the variance."""


def preactivation_variances(X, Ws, activation="tanh"):
    H, out = X, []
    for W in Ws:
        Z = H @ W
        out.append(Z.std())
        H = activate(Z, activation)[0]
    return np.array(out)
