"""σ(z) for z < 0 computed as 1 - σ(-z): no overflow, but σ(-40) ≈ 4.25e-18 comes out as 0 (no relative accuracy in the left tail)."""


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    pos = 1.0 / (1.0 + np.exp(-np.abs(z)))
    return np.where(z >= 0, pos, 1.0 - pos)
