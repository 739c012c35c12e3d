"""A loop over the channels (axis 1), each normalised with its own running mean and variance."""


def batchnorm_forward_eval(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    out = np.empty(Z.shape)
    for c in range(Z.shape[1]):
        out[:, c] = gamma[c] * (Z[:, c] - running_mean[c]) / np.sqrt(running_var[c] + eps) + beta[c]
    return out
