"""A table of functions; sigmoid and its derivative as exponentials of log-sum-exps, σ = exp(-log(1 + e^{-z})), σ' = exp(-log(1 + e^{-z}) - log(1 + e^{z}))."""


def _sig(z):
    return np.exp(-np.logaddexp(0.0, -z))


_TABLE = {
    "sigmoid": lambda z, a: (_sig(z), np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))),
    "tanh": lambda z, a: (np.tanh(z), 1.0 / np.cosh(np.clip(z, -350.0, 350.0)) ** 2),
    "relu": lambda z, a: (np.where(z > 0, z, 0.0), np.where(z > 0, 1.0, 0.0)),
    "leaky_relu": lambda z, a: (np.where(z > 0, z, a * z), np.where(z > 0, 1.0, a)),
    "softplus": lambda z, a: (np.logaddexp(0.0, z), _sig(z)),
    "identity": lambda z, a: (z.copy(), np.ones_like(z)),
}


def activate(z, name, slope=0.01):
    if name not in _TABLE:
        raise ValueError(f"unknown activation {name}")
    return _TABLE[name](np.asarray(z, dtype=np.float64), slope)
