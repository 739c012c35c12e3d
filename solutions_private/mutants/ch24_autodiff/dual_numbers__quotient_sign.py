"""Quotient rule with the wrong sign: (ȧ b₀ + a₀ ḃ)/b₀² instead of (ȧ b₀ - a₀ ḃ)/b₀²."""


def d_div(a, b):
    a0, a1 = _parts(a)
    b0, b1 = _parts(b)
    return a0 / b0, (a1 * b0 + a0 * b1) / b0**2
