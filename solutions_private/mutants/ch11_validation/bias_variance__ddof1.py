"""Variance with ddof = 1 (the unbiased estimator), which breaks the exact identity."""


def bias_variance(preds, f_true, noise_var):
    bias2 = float(np.mean((preds.mean(axis=0) - f_true) ** 2))
    variance = float(np.mean(np.var(preds, axis=0, ddof=1))) if preds.shape[0] > 1 else 0.0
    return {"bias2": bias2, "variance": variance, "expected_mse": bias2 + variance + noise_var}
