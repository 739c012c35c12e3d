"""A recursive backward sweep: back(ℓ, z̄_ℓ) handles layer ℓ and recurses into
layer ℓ-1; x̄ is returned up the recursion and summed; the weight adjoints are
written into preallocated lists with explicit double loops."""

import numpy as np


def layered_vjp(x, Wz, Wx, zbar_L):
    L = len(Wx)
    zs = [np.tanh(Wx[0] @ x)]
    for ell in range(1, L):
        zs.append(np.tanh(Wz[ell] @ zs[ell - 1] + Wx[ell] @ x))
    dWz, dWx = [None] * L, [None] * L

    def outer(u, v):
        out = np.empty((u.size, v.size))
        for i in range(u.size):
            for j in range(v.size):
                out[i, j] = u[i] * v[j]
        return out

    def back(ell, zbar):
        g = (1.0 - zs[ell] * zs[ell]) * zbar
        dWx[ell] = outer(g, x)
        mine = Wx[ell].T @ g
        if ell == 0:
            return mine
        dWz[ell] = outer(g, zs[ell - 1])
        return mine + back(ell - 1, Wz[ell].T @ g)

    return dWz, dWx, back(L - 1, np.asarray(zbar_L, dtype=np.float64))
