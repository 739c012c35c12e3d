"""Ā from np.var over the members (ddof 0), the errors as einsum dot products of the residuals."""


def ensemble_decomposition(preds, y):
    K, n = preds.shape
    r_bar = preds.mean(axis=0) - y
    R = preds - y[None, :]
    E = float(r_bar @ r_bar) / n
    E_bar = float(np.einsum("ki,ki->", R, R)) / (K * n)
    A_bar = float(np.var(preds, axis=0).mean())
    return E, E_bar, A_bar
