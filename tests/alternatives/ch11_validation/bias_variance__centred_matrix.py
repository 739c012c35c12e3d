"""The centred matrix D = preds - f̄ and the bias vector, reduced with einsum."""


def bias_variance(preds, f_true, noise_var):
    R, n = preds.shape
    fbar = np.einsum("rj->j", preds) / R
    D = preds - fbar
    b = fbar - f_true
    bias2 = float(np.einsum("j,j->", b, b) / n)
    variance = float(np.einsum("rj,rj->", D, D) / (R * n))
    return {"expected_mse": bias2 + variance + noise_var, "bias2": bias2, "variance": variance}
