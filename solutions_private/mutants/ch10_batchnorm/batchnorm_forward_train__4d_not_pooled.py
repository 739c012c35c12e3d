"""4-D statistics over the batch axis only, not pooled over H and W (one mean per position)."""


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    mu = Z.mean(axis=0, keepdims=True)
    inv_std = 1.0 / np.sqrt(Z.var(axis=0, keepdims=True) + eps)
    Z_hat = (Z - mu) * inv_std
    return _per_feature(gamma, Z) * Z_hat + _per_feature(beta, Z), {"Z_hat": Z_hat, "inv_std": inv_std, "gamma": gamma}
