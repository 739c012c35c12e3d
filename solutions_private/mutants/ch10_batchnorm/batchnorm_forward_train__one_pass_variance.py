"""One-pass variance mean(Z²) - μ²: catastrophic cancellation when |μ| ≫ σ."""


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    axes = _axes(Z)
    mu = Z.mean(axis=axes, keepdims=True)
    var = (Z * Z).mean(axis=axes, keepdims=True) - mu * mu
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return _per_feature(gamma, Z) * Z_hat + _per_feature(beta, Z), {"Z_hat": Z_hat, "inv_std": inv_std, "gamma": gamma}
