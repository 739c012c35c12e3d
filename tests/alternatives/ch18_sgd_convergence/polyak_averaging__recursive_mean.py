"""The running mean updated recursively, θ̄_k = θ̄_{k-1} + (θ_k - θ̄_{k-1})/k (Welford's form)."""


def averaged_iterates(thetas):
    R, n = thetas.shape
    out = np.empty((R, n - 1))
    bar = np.zeros(R)
    for k in range(1, n):
        bar = bar + (thetas[:, k] - bar) / k
        out[:, k - 1] = bar
    return out
