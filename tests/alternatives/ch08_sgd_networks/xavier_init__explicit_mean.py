"""Scale factors with math.sqrt; variances as mean((Z - mean Z)²) written out, the forward pass through the provided activate."""

import math


def xavier_init(layer_sizes, U, C=1.0):
    return [U[l] * (C / math.sqrt(layer_sizes[l])) for l in range(len(U))]


def preactivation_variances(X, Ws, activation="tanh"):
    out = []
    H = np.asarray(X, dtype=np.float64)
    for W in Ws:
        Z = H @ W
        dev = Z - Z.sum() / Z.size
        out.append(float((dev * dev).sum() / Z.size))
        H, _ = activate(Z, activation)
    return np.array(out)
