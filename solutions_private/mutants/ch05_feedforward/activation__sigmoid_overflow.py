"""Sigmoid as 1/(1 + exp(-z)): exp overflows at z = -800 (the value is right, the overflow is not)."""

_reference_activate = activate


def activate(z, name, slope=0.01):
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s, s * (1.0 - s)
    return _reference_activate(z, name, slope)
