"""Momentum reversed (Keras-style): m weights the OLD average, (1 - m) the new batch."""


def update_running_stats(Z, running_mean, running_var, momentum=0.1):
    axes = _axes(Z)
    return momentum * running_mean + (1 - momentum) * Z.mean(axis=axes), momentum * running_var + (1 - momentum) * Z.var(axis=axes, ddof=1)
