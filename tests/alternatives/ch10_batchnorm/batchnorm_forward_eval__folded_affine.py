"""The transform folded into one affine map per feature: out = Z·a + c with a = γ/sqrt(v̄ + ε), c = β - μ̄ a."""


def batchnorm_forward_eval(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    a = gamma / np.sqrt(running_var + eps)
    c = beta - running_mean * a
    shape = (1, -1) if Z.ndim == 2 else (1, -1, 1, 1)
    return Z * a.reshape(shape) + c.reshape(shape)
