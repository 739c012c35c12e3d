"""1/N once too often: the mean over particles, then another division by N."""


def weak_form_increment(c, W, x, y, alpha, f_grad, act="tanh"):
    N = c.shape[0]
    s, ds = activate(W @ x, act)
    e = y - (c @ s) / N
    fc, fw = f_grad(c, W)
    return float(alpha / N * e * np.mean(fc * s + (fw @ x) * c * ds) / N)
