"""leaky_relu'(0) = 1 (the test z >= 0 instead of z > 0), while the docstring's convention is leaky_relu'(0) = slope."""

_activate_ref = activate


def activate(z, name, slope=0.01):
    if name == "leaky_relu":
        z = np.asarray(z, dtype=np.float64)
        return np.where(z > 0, z, slope * z), np.where(z >= 0, 1.0, slope)
    return _activate_ref(z, name, slope)
