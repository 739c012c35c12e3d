"""The unbiased variance from an explicit sum of squares over n - 1, and the update written μ̄ + m (μ_B - μ̄)."""


def update_running_stats(Z, running_mean, running_var, momentum=0.1):
    ax = (0,) if Z.ndim == 2 else (0, 2, 3)
    n = Z.size // Z.shape[1]
    mu = Z.sum(axis=ax) / n
    view = mu if Z.ndim == 2 else mu.reshape(1, -1, 1, 1)
    unbiased = ((Z - view) ** 2).sum(axis=ax) / (n - 1)
    return running_mean + momentum * (mu - running_mean), running_var + momentum * (unbiased - running_var)
