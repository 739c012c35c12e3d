"""Ambiguity measured across the samples of each member (variance over axis 1) instead of across the members."""


def ensemble_decomposition(preds, y):
    fbar = preds.mean(axis=0)
    E = float(np.mean((fbar - y) ** 2))
    E_bar = float(np.mean((preds - y) ** 2))
    A_bar = float(np.var(preds, axis=1).mean())
    return E, E_bar, A_bar
