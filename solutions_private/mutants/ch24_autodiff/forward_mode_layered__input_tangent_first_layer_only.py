"""x treated as an input of the first layer only in the JVP: W^ℓ_x ẋ and Ẇ^ℓ_x x missing for ℓ ≥ 2."""


def layered_jvp(x, Wz, Wx, dWz, dWx, dx):
    z = zdot = None
    for ell in range(len(Wx)):
        a = Wx[ell] @ x
        if ell == 0:
            adot = Wx[ell] @ dx + dWx[ell] @ x
        else:
            a = a + Wz[ell] @ z
            adot = Wz[ell] @ zdot + dWz[ell] @ z
        z = np.tanh(a)
        zdot = (1.0 - z * z) * adot
    return zdot
