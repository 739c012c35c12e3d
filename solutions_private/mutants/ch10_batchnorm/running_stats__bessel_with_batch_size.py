"""Bessel factor M/(M-1) with the batch size M instead of n = M·H·W for 4-D batches."""


def update_running_stats(Z, running_mean, running_var, momentum=0.1):
    axes = _axes(Z)
    M = Z.shape[0]
    factor = M / (M - 1) if M > 1 else 1.0
    return (1 - momentum) * running_mean + momentum * Z.mean(axis=axes), (1 - momentum) * running_var + momentum * factor * Z.var(axis=axes)
