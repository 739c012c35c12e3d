"""Reverse mode by explicit matrices: the Jacobian D_ℓ = diag(1 - z_ℓ²) and the
adjoint z̄_{ℓ-1} = (D_ℓ W^ℓ_z)ᵀ z̄_ℓ as full matrix products; x̄ collected by
np.sum over a list of the layers' terms; weight adjoints by broadcasting."""

import numpy as np


def layered_vjp(x, Wz, Wx, zbar_L):
    L = len(Wx)
    zs = []
    for ell in range(L):
        a = Wx[ell] @ x + (Wz[ell] @ zs[-1] if ell else 0.0)
        zs.append(np.tanh(a))
    dWz, dWx, terms = [None] * L, [None] * L, []
    zbar = np.array(zbar_L, dtype=np.float64)
    for ell in reversed(range(L)):
        D = np.diag(1.0 - zs[ell] ** 2)
        g = D @ zbar
        dWx[ell] = g[:, None] * x[None, :]
        terms.append((D @ Wx[ell]).T @ zbar)
        if ell:
            dWz[ell] = g[:, None] * zs[ell - 1][None, :]
            zbar = (D @ Wz[ell]).T @ zbar
    return dWz, dWx, np.sum(terms, axis=0)
