"""μ and σ treated as constants: ∂Λ/∂Z = γ dOut / sqrt(σ² + ε) only."""


def batchnorm_backward(dOut, cache):
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    axes = _axes(dOut)
    dZ = dOut * _per_feature(gamma, dOut) * inv_std
    return dZ, (dOut * Z_hat).sum(axis=axes), dOut.sum(axis=axes)
