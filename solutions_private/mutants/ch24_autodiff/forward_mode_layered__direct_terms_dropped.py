"""The direct weight terms Ẇ^ℓ_z z_{ℓ-1} + Ẇ^ℓ_x x dropped from ȧ_ℓ: only W ż and W ẋ propagate."""


def layered_jvp(x, Wz, Wx, dWz, dWx, dx):
    z = zdot = None
    for ell in range(len(Wx)):
        a = Wx[ell] @ x
        adot = Wx[ell] @ dx
        if ell > 0:
            a = a + Wz[ell] @ z
            adot = adot + Wz[ell] @ zdot
        z = np.tanh(a)
        zdot = (1.0 - z * z) * adot
    return zdot
