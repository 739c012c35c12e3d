"""Plain Python loops over test points and fits, each mean accumulated by hand."""


def bias_variance(preds, f_true, noise_var):
    R, n = preds.shape
    bias2 = variance = 0.0
    for j in range(n):
        fbar = sum(float(preds[r, j]) for r in range(R)) / R
        bias2 += (fbar - float(f_true[j])) ** 2
        variance += sum((float(preds[r, j]) - fbar) ** 2 for r in range(R)) / R
    bias2, variance = bias2 / n, variance / n
    return {"bias2": bias2, "variance": variance, "expected_mse": bias2 + variance + float(noise_var)}
