"""The right sum divided by k + 1: θ̄_k = (1/(k+1)) Σ_{j=1}^{k} θ_j."""


def averaged_iterates(thetas):
    K = thetas.shape[1] - 1
    return np.cumsum(thetas[:, 1:], axis=1) / np.arange(2, K + 2)
