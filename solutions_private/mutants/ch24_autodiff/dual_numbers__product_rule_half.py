"""Half a product rule: the tangent of a·b taken as ȧ b₀ (the a₀ ḃ term forgotten)."""


def d_mul(a, b):
    a0, a1 = _parts(a)
    b0, b1 = _parts(b)
    return a0 * b0, a1 * b0
