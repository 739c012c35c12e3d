"""Sums instead of means, with the factor α/N² written once."""


def weak_form_increment(c, W, x, y, alpha, f_grad, act="tanh"):
    N = c.shape[0]
    fc, fw = f_grad(c, W)
    s, ds = activate(W @ x, act)
    e = y - np.sum(c * s) / N
    total = np.sum(np.asarray(fc) * s) + np.sum((np.asarray(fw) @ x) * c * ds)
    return float(alpha * e * total / N**2)
