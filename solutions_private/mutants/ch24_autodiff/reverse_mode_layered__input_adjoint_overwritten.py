"""x̄ overwritten instead of accumulated: only the first layer's (W^1_x)ᵀ g_1 survives."""


def layered_vjp(x, Wz, Wx, zbar_L):
    zs = layered_forward(x, Wz, Wx)
    L = len(Wx)
    dWz, dWx = [None] * L, [None] * L
    dx = np.zeros_like(x)
    zbar = zbar_L
    for ell in range(L - 1, -1, -1):
        g = (1.0 - zs[ell] ** 2) * zbar
        dWx[ell] = np.outer(g, x)
        dx = Wx[ell].T @ g
        if ell > 0:
            dWz[ell] = np.outer(g, zs[ell - 1])
            zbar = Wz[ell].T @ g
    return dWz, dWx, dx
