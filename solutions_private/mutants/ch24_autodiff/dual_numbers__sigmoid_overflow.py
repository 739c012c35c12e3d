"""The naive sigmoid 1/(1 + e^{-a₀}): e^{800} overflows at a₀ = -800."""


def d_sigmoid(a):
    a0, a1 = _parts(a)
    s = 1.0 / (1.0 + np.exp(-a0))
    return s, s * (1.0 - s) * a1
