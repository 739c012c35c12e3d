"""Gradient through BN with the batch statistics treated as constants (breaks orthogonality)."""


def bn_linear_layer_grad(X, W, gamma, beta, G, eps=0.0):
    Z = X @ W
    inv_std = 1.0 / np.sqrt(Z.var(axis=0) + eps)
    return X.T @ (G * gamma * inv_std)
