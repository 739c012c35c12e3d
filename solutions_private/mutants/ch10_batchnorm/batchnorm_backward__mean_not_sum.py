"""∂Λ/∂γ and ∂Λ/∂β averaged over the batch instead of summed (the 1/M is already inside dOut)."""

_reference_batchnorm_backward = batchnorm_backward


def batchnorm_backward(dOut, cache):
    dZ, dgamma, dbeta = _reference_batchnorm_backward(dOut, cache)
    n = dOut.size // dgamma.size
    return dZ, dgamma / n, dbeta / n
