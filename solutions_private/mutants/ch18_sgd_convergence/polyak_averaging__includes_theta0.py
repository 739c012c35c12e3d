"""θ_0 included in the average: θ̄_k = (1/(k+1)) Σ_{j=0}^{k} θ_j."""


def averaged_iterates(thetas):
    K = thetas.shape[1] - 1
    return (np.cumsum(thetas, axis=1) / np.arange(1, K + 2))[:, 1:]
