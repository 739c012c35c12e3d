"""∂Λ/∂W = X_cᵀ ∂Λ/∂Z with the centred inputs X_c (∂Λ/∂Z has zero column means), ∂Λ/∂Z from the projection formula."""


def bn_linear_layer_grad(X, W, gamma, beta, G, eps=0.0):
    Z = X @ W
    mu = Z.mean(axis=0)
    Zc = Z - mu
    s = 1.0 / np.sqrt((Zc * Zc).mean(axis=0) + eps)
    z_hat = Zc * s
    dz_hat = G * gamma
    dZ = s * (dz_hat - dz_hat.mean(axis=0) - z_hat * (dz_hat * z_hat).mean(axis=0))
    Xc = X - X.mean(axis=0)
    return Xc.T @ dZ
