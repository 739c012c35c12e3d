"""Bias computed per replicate, (1/(R n)) Σ (f̂_r - f)², instead of from the mean prediction."""


def bias_variance(preds, f_true, noise_var):
    bias2 = float(np.mean((preds - f_true) ** 2))
    variance = float(np.mean(np.var(preds, axis=0)))
    return {"bias2": bias2, "variance": variance, "expected_mse": bias2 + variance + noise_var}
