"""The sigmoid through the half-angle identity σ(z) = (1 + tanh(z/2))/2, σ' = (1 - tanh²(z/2))/4; softplus as max(z, 0) + log1p(e^{-|z|}), whose derivative is that σ."""


def activate(z, name, slope=0.01):
    z = np.asarray(z, dtype=np.float64)
    if name in ("sigmoid", "softplus"):
        t = np.tanh(0.5 * z)
        sig = 0.5 * (1.0 + t)
        if name == "sigmoid":
            return sig, 0.25 * (1.0 - t) * (1.0 + t)
        return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))), sig
    if name == "tanh":
        t = np.tanh(z)
        return t, (1.0 - t) * (1.0 + t)
    if name == "relu":
        pos = (z > 0).astype(np.float64)
        return z * pos, pos
    if name == "leaky_relu":
        pos = z > 0
        ds = np.full(z.shape, float(slope))
        ds[pos] = 1.0
        return z * ds, ds
    if name == "identity":
        return np.array(z), np.ones(z.shape)
    raise ValueError(name)
