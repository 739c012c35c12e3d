"""Forms each particle's step (Δc^i, Δw^i) of mf_sgd_step and returns the mean of ∇f·Δθ_i."""


def weak_form_increment(c, W, x, y, alpha, f_grad, act="tanh"):
    N = c.shape[0]
    s, ds = activate(W @ x, act)
    e = y - float(c @ s) / N
    dc = alpha / N * e * s
    dW = alpha / N * e * np.outer(c * ds, x)
    fc, fw = f_grad(c, W)
    return float(np.mean(np.asarray(fc) * dc + np.sum(np.asarray(fw) * dW, axis=1)))
