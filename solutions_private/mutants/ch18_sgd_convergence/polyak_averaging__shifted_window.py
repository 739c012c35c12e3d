"""Averages θ_0..θ_{k-1} instead of θ_1..θ_k (off by one step)."""


def averaged_iterates(thetas):
    K = thetas.shape[1] - 1
    return np.cumsum(thetas[:, :-1], axis=1) / np.arange(1, K + 1)
