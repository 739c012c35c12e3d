"""Ensemble mean over the wrong axis: f̄ averages each member over the samples (axis=1)."""


def ensemble_decomposition(preds, y):
    fbar = preds.mean(axis=1, keepdims=True)
    E = float(np.mean((fbar - y) ** 2))
    E_bar = float(np.mean((preds - y) ** 2))
    A_bar = float(np.mean((preds - fbar) ** 2))
    return E, E_bar, A_bar
