"""Biased batch variance (1/n) in the running estimate instead of n/(n-1) σ²."""


def update_running_stats(Z, running_mean, running_var, momentum=0.1):
    axes = _axes(Z)
    return (1 - momentum) * running_mean + momentum * Z.mean(axis=axes), (1 - momentum) * running_var + momentum * Z.var(axis=axes)
