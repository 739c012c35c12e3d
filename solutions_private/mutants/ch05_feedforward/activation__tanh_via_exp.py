"""tanh written as (e^z - e^{-z})/(e^z + e^{-z}): inf/inf = nan (and an overflow) at |z| = 800."""

_activate_ref = activate


def activate(z, name, slope=0.01):
    if name == "tanh":
        z = np.asarray(z, dtype=np.float64)
        t = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
        return t, 1.0 - t * t
    return _activate_ref(z, name, slope)
