"""Weight adjoints transposed: x gᵀ and z_{ℓ-1} gᵀ instead of g xᵀ and g z_{ℓ-1}ᵀ."""


def layered_vjp(x, Wz, Wx, zbar_L):
    zs = layered_forward(x, Wz, Wx)
    L = len(Wx)
    dWz, dWx = [None] * L, [None] * L
    dx = np.zeros_like(x)
    zbar = zbar_L
    for ell in range(L - 1, -1, -1):
        g = (1.0 - zs[ell] ** 2) * zbar
        dWx[ell] = np.outer(x, g)
        dx = dx + Wx[ell].T @ g
        if ell > 0:
            dWz[ell] = np.outer(zs[ell - 1], g)
            zbar = Wz[ell].T @ g
    return dWz, dWx, dx
