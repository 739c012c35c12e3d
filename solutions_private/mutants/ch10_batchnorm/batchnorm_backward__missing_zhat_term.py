"""The path through σ² missing: ∂Λ/∂Z = (dẐ - mean dẐ) / sqrt(σ² + ε), no Ẑ correction."""


def batchnorm_backward(dOut, cache):
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    axes = _axes(dOut)
    dZ_hat = dOut * _per_feature(gamma, dOut)
    dZ = inv_std * (dZ_hat - dZ_hat.mean(axis=axes, keepdims=True))
    return dZ, (dOut * Z_hat).sum(axis=axes), dOut.sum(axis=axes)
