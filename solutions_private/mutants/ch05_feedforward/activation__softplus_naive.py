"""Softplus as log(1 + exp(z)): inf at z = 800."""

_reference_activate = activate


def activate(z, name, slope=0.01):
    if name == "softplus":
        return np.log(1.0 + np.exp(z)), 1.0 / (1.0 + np.exp(-z))
    return _reference_activate(z, name, slope)
