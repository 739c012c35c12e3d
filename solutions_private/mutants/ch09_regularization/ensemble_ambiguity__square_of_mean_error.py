"""Errors as the square of the mean residual, (mean(f - y))², instead of the mean squared residual."""


def ensemble_decomposition(preds, y):
    fbar = preds.mean(axis=0)
    E = float(np.mean(fbar - y) ** 2)
    E_bar = float(np.mean(np.mean(preds - y, axis=1) ** 2))
    A_bar = float(np.mean((preds - fbar) ** 2))
    return E, E_bar, A_bar
