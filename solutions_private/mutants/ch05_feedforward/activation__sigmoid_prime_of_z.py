"""σ'(z) computed as z(1 - z): the formula σ(1 - σ) applied to z instead of σ(z)."""

_reference_activate = activate


def activate(z, name, slope=0.01):
    if name == "sigmoid":
        s, _ = _reference_activate(z, name)
        return s, z * (1.0 - z)
    return _reference_activate(z, name, slope)
