"""An exponential moving average (β = 0.9, as in momentum or Adam) instead of the uniform running mean."""


def averaged_iterates(thetas):
    R, n = thetas.shape
    out = np.empty((R, n - 1))
    avg = thetas[:, 1].copy()
    for k in range(1, n):
        avg = thetas[:, 1] if k == 1 else 0.9 * avg + 0.1 * thetas[:, k]
        out[:, k - 1] = avg
    return out
