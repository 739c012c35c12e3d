"""Forward activations not cached: one variable z holds the last layer's output and is reused as σ'-input for every layer, and its 'previous' value is recomputed without x."""


def layered_vjp(x, Wz, Wx, zbar_L):
    L = len(Wx)
    z = layered_forward(x, Wz, Wx)[-1]  # only the last value kept
    dWz, dWx = [None] * L, [None] * L
    dx = np.zeros_like(x)
    zbar = zbar_L
    for ell in range(L - 1, -1, -1):
        g = (1.0 - z**2) * zbar
        dWx[ell] = np.outer(g, x)
        dx = dx + Wx[ell].T @ g
        if ell > 0:
            z = np.tanh(Wz[ell].T @ z)  # a guess at z_{ℓ-1}: not the cached forward value
            dWz[ell] = np.outer(g, z)
            zbar = Wz[ell].T @ g
    return dWz, dWx, dx
