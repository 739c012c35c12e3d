"""γ forgotten in the chain rule: dẐ = dOut instead of γ ⊙ dOut."""


def batchnorm_backward(dOut, cache):
    Z_hat, inv_std = cache["Z_hat"], cache["inv_std"]
    axes = _axes(dOut)
    dZ = inv_std * (dOut - dOut.mean(axis=axes, keepdims=True) - Z_hat * (dOut * Z_hat).mean(axis=axes, keepdims=True))
    return dZ, (dOut * Z_hat).sum(axis=axes), dOut.sum(axis=axes)
