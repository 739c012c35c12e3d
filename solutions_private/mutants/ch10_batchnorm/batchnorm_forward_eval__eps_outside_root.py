"""ε outside the square root: (Z - μ̄) / (sqrt(v̄) + ε)."""


def batchnorm_forward_eval(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    per = lambda v: _per_feature(v, Z)  # noqa: E731
    return per(gamma) * (Z - per(running_mean)) / (np.sqrt(per(running_var)) + eps) + per(beta)
