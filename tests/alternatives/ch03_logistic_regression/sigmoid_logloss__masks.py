"""Boolean masks: each branch's formula evaluated only on its own entries (no np.where); the loss as softplus(z) for y = 0 and softplus(-z) for y = 1."""


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _softplus(u):
    return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def logistic_loss(z, y):
    z = np.asarray(z, dtype=np.float64)
    return np.where(np.asarray(y) == 1, _softplus(-z), _softplus(z))
