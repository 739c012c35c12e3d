"""Ambiguity with ddof=1: the spread divided by K - 1 instead of K."""


def ensemble_decomposition(preds, y):
    fbar = preds.mean(axis=0)
    E = float(np.mean((fbar - y) ** 2))
    E_bar = float(np.mean((preds - y) ** 2))
    A_bar = float(np.var(preds, axis=0, ddof=1).mean()) if preds.shape[0] > 1 else 0.0
    return E, E_bar, A_bar
