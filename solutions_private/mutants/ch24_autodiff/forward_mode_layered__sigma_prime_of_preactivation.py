"""σ'(a_ℓ) written as 1 - a_ℓ² (the pre-activation) instead of 1 - tanh²(a_ℓ) = 1 - z_ℓ²."""


def layered_jvp(x, Wz, Wx, dWz, dWx, dx):
    z = zdot = None
    for ell in range(len(Wx)):
        a = Wx[ell] @ x
        adot = Wx[ell] @ dx + dWx[ell] @ x
        if ell > 0:
            a = a + Wz[ell] @ z
            adot = adot + Wz[ell] @ zdot + dWz[ell] @ z
        z = np.tanh(a)
        zdot = (1.0 - a * a) * adot
    return zdot
