"""leaky_relu ignores its slope argument and always uses 0.01."""

_reference_activate = activate


def activate(z, name, slope=0.01):
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z), np.where(z > 0, 1.0, 0.01)
    return _reference_activate(z, name, slope)
