"""(C,) parameters broadcast along the last axis of (M, C, H, W) instead of the channel axis."""


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    axes = _axes(Z)
    mu = Z.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(Z.var(axis=axes, keepdims=True) + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, {"Z_hat": Z_hat, "inv_std": inv_std, "gamma": gamma}
