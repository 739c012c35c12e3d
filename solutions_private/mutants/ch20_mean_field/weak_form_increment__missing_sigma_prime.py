"""The σ' factor of the w-term is missing: ∂_w f · c x instead of ∂_w f · c σ'(w·x) x."""


def weak_form_increment(c, W, x, y, alpha, f_grad, act="tanh"):
    N = c.shape[0]
    s, _ = activate(W @ x, act)
    e = y - (c @ s) / N
    fc, fw = f_grad(c, W)
    return float(alpha / N * e * np.mean(fc * s + (fw @ x) * c))
