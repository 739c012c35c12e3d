"""The chain rule written path by path (directly, through σ², through μ), the cache holding only Z, γ and ε."""


def _alt_axes(Z):
    return (0,) if Z.ndim == 2 else (0, 2, 3)


def _alt_col(v, Z):
    return v if Z.ndim == 2 else v.reshape(1, -1, 1, 1)


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    ax = _alt_axes(Z)
    mu = Z.mean(axis=ax, keepdims=True)
    var = ((Z - mu) ** 2).mean(axis=ax, keepdims=True)
    out = _alt_col(gamma, Z) * (Z - mu) / np.sqrt(var + eps) + _alt_col(beta, Z)
    return out, {"Z": Z.copy(), "gamma": gamma.copy(), "eps": float(eps)}


def batchnorm_backward(dOut, cache):
    Z, gamma, eps = cache["Z"], cache["gamma"], cache["eps"]
    ax = _alt_axes(Z)
    n = Z.size // Z.shape[1]
    mu = Z.mean(axis=ax, keepdims=True)
    xc = Z - mu
    var = (xc * xc).mean(axis=ax, keepdims=True)
    s = 1.0 / np.sqrt(var + eps)
    z_hat = xc * s
    dz_hat = dOut * _alt_col(gamma, Z)
    dvar = np.sum(dz_hat * xc, axis=ax, keepdims=True) * (-0.5) * s**3
    dmu = -np.sum(dz_hat * s, axis=ax, keepdims=True) + dvar * np.sum(-2.0 * xc, axis=ax, keepdims=True) / n
    dZ = dz_hat * s + dvar * 2.0 * xc / n + dmu / n
    return dZ, np.sum(dOut * z_hat, axis=ax), np.sum(dOut, axis=ax)
