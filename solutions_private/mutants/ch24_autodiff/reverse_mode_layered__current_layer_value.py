"""The erratum of p. 462 in reverse: W̄^ℓ_z = g_ℓ z_ℓᵀ with the layer's own output z_ℓ instead of its input z_{ℓ-1}."""


def layered_vjp(x, Wz, Wx, zbar_L):
    zs = layered_forward(x, Wz, Wx)
    L = len(Wx)
    dWz, dWx = [None] * L, [None] * L
    dx = np.zeros_like(x)
    zbar = zbar_L
    for ell in range(L - 1, -1, -1):
        g = (1.0 - zs[ell] ** 2) * zbar
        dWx[ell] = np.outer(g, x)
        dx = dx + Wx[ell].T @ g
        if ell > 0:
            dWz[ell] = np.outer(g, zs[ell])
            zbar = Wz[ell].T @ g
    return dWz, dWx, dx
