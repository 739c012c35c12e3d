"""Coefficients for the form a_0 + Σ c_k ReLU(t_k - x) (anchored at the right end) returned for the stated ReLU(x - t_k)."""


def relu_interpolant(knots, values):
    s = np.diff(values) / np.diff(knots)
    c = np.empty_like(s)
    c[-1] = -s[-1]
    c[:-1] = s[1:] - s[:-1]
    return float(values[-1]), c, knots[1:].copy()
