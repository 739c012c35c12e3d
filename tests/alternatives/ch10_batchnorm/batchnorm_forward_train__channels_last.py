"""Channels moved to the last axis and flattened to an (n, C) table; statistics with np.mean and np.var (ddof 0); the cache keeps Z itself."""


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    T = np.moveaxis(Z, 1, -1)
    flat = T.reshape(-1, Z.shape[1])
    mu = flat.mean(axis=0)
    var = flat.var(axis=0)
    out = gamma * ((T - mu) / np.sqrt(var + eps)) + beta
    return np.ascontiguousarray(np.moveaxis(out, -1, 1)), {"Z": Z.copy(), "gamma": gamma.copy(), "eps": float(eps)}
