"""Running statistics updated in place (running_mean *= 1 - m): the caller's arrays change."""


def update_running_stats(Z, running_mean, running_var, momentum=0.1):
    axes = _axes(Z)
    running_mean *= 1 - momentum
    running_mean += momentum * Z.mean(axis=axes)
    running_var *= 1 - momentum
    running_var += momentum * Z.var(axis=axes, ddof=1)
    return running_mean, running_var
