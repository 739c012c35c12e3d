"""Channels last, the biased variance of the pooled table corrected by n/(n - 1), loops over the channels."""


def update_running_stats(Z, running_mean, running_var, momentum=0.1):
    flat = np.moveaxis(Z, 1, -1).reshape(-1, Z.shape[1])
    n = flat.shape[0]
    new_mean = np.empty(flat.shape[1])
    new_var = np.empty(flat.shape[1])
    for c in range(flat.shape[1]):
        mu = flat[:, c].mean()
        biased = np.mean((flat[:, c] - mu) ** 2)
        new_mean[c] = (1.0 - momentum) * running_mean[c] + momentum * mu
        new_var[c] = (1.0 - momentum) * running_var[c] + momentum * biased * n / (n - 1)
    return new_mean, new_var
