"""T^k from the closed form 1 - |2 frac(2^{k-1} x) - 1|; pieces counted from np.gradient-free slope runs with np.flatnonzero."""


def tent_network(x, k):
    x = np.asarray(x, dtype=np.float64)
    if k == 0:
        return x.copy()
    return 1.0 - np.abs(2.0 * np.mod(2.0 ** (k - 1) * x, 1.0) - 1.0)


def count_linear_pieces(f_vals, x):
    s = (f_vals[1:] - f_vals[:-1]) / (x[1:] - x[:-1])
    tol = 1e-6 * np.abs(s).max()
    return len(np.flatnonzero(np.abs(s[1:] - s[:-1]) > tol)) + 1
