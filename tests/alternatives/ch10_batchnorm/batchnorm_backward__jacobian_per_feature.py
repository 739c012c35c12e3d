"""For each feature, the explicit n x n Jacobian ∂Ẑ/∂Z = (I - 11ᵀ/n - ẑẑᵀ/n)/sqrt(σ² + ε) applied to γ dOut (loops over features)."""


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    C = Z.shape[1]
    out = np.empty(Z.shape)
    z_hat = np.empty(Z.shape)
    s = np.empty(C)
    for c in range(C):
        v = Z[:, c]
        mu = v.mean()
        var = ((v - mu) ** 2).mean()
        s[c] = 1.0 / np.sqrt(var + eps)
        z_hat[:, c] = (v - mu) * s[c]
        out[:, c] = gamma[c] * z_hat[:, c] + beta[c]
    return out, {"z_hat": z_hat, "s": s, "gamma": gamma.copy()}


def batchnorm_backward(dOut, cache):
    z_hat, s, gamma = cache["z_hat"], cache["s"], cache["gamma"]
    C = dOut.shape[1]
    dZ = np.empty(dOut.shape)
    dgamma, dbeta = np.empty(C), np.empty(C)
    for c in range(C):
        g = dOut[:, c].ravel()
        z = z_hat[:, c].ravel()
        n = g.size
        J = (np.eye(n) - np.ones((n, n)) / n - np.outer(z, z) / n) * s[c]
        dZ[:, c] = (J.T @ (gamma[c] * g)).reshape(dOut[:, c].shape)
        dgamma[c] = g @ z
        dbeta[c] = g.sum()
    return dZ, dgamma, dbeta
