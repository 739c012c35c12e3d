"""Axis mix-up: variance taken across the test points of each fit, then averaged over fits."""


def bias_variance(preds, f_true, noise_var):
    bias2 = float(np.mean((preds.mean(axis=0) - f_true) ** 2))
    variance = float(np.mean(np.var(preds, axis=1)))
    return {"bias2": bias2, "variance": variance, "expected_mse": bias2 + variance + noise_var}
