"""∂Λ/∂γ and ∂Λ/∂β not summed over the batch: per-sample arrays dOut ⊙ Ẑ and dOut returned."""


def batchnorm_backward(dOut, cache):
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    axes = _axes(dOut)
    dZ_hat = dOut * _per_feature(gamma, dOut)
    dZ = inv_std * (dZ_hat - dZ_hat.mean(axis=axes, keepdims=True) - Z_hat * (dZ_hat * Z_hat).mean(axis=axes, keepdims=True))
    return dZ, dOut * Z_hat, dOut.copy()
