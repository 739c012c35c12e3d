"""4-D backward with the means and sums over the batch axis only (not pooled over H, W)."""


def batchnorm_backward(dOut, cache):
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    axes = _axes(dOut)
    dZ_hat = dOut * _per_feature(gamma, dOut)
    dZ = inv_std * (dZ_hat - dZ_hat.mean(axis=0, keepdims=True) - Z_hat * (dZ_hat * Z_hat).mean(axis=0, keepdims=True))
    return dZ, (dOut * Z_hat).sum(axis=axes), dOut.sum(axis=axes)
