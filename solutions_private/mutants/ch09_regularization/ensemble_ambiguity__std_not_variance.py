"""Ambiguity as the average standard deviation of the members, not their variance."""


def ensemble_decomposition(preds, y):
    fbar = preds.mean(axis=0)
    E = float(np.mean((fbar - y) ** 2))
    E_bar = float(np.mean((preds - y) ** 2))
    A_bar = float(np.std(preds, axis=0).mean())
    return E, E_bar, A_bar
