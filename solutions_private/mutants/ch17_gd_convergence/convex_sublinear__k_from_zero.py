"""Indexing from k = 0: ratios for k = 0..K, with a division by zero at k = 0."""


def check_sublinear_bound(fvals, fstar, theta0, theta_star, lr):
    k = np.arange(len(fvals), dtype=np.float64)
    with np.errstate(divide="ignore"):
        bound = np.sum((theta0 - theta_star) ** 2) / (2 * lr * k)
    return (fvals - fstar) / bound
