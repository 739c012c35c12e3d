"""ε forgotten at inference: (Z - μ̄)/sqrt(v̄), which divides by zero when a running variance is 0."""


def batchnorm_forward_eval(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    def per(v):
        return _per_feature(v, Z)

    return per(gamma) * (Z - per(running_mean)) / np.sqrt(per(running_var)) + per(beta)
