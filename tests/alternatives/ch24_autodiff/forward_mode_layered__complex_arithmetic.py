"""Forward mode carried by complex numbers: the tangent rides in the imaginary
part of x + iHẋ, θ + iHθ̇ (H = 1e-30), like a dual number whose ε² = -H² is
negligible; ż_L = Im z_L / H. The forward pass is a separate loop."""

import numpy as np


def layered_forward(x, Wz, Wx):
    out = []
    z = None
    for ell, W in enumerate(Wx):
        a = np.dot(W, x)
        if ell:
            a = a + np.dot(Wz[ell], z)
        z = np.tanh(a)
        out.append(z)
    return out


def layered_jvp(x, Wz, Wx, dWz, dWx, dx):
    h = 1e-30
    xc = np.asarray(x, dtype=np.complex128) + 1j * h * np.asarray(dx)
    Wxc = [np.asarray(W, dtype=np.complex128) + 1j * h * D for W, D in zip(Wx, dWx)]
    Wzc = [None] + [np.asarray(W, dtype=np.complex128) + 1j * h * D for W, D in zip(Wz[1:], dWz[1:])]
    z = None
    for ell in range(len(Wxc)):
        a = Wxc[ell] @ xc + (Wzc[ell] @ z if ell else 0)
        z = np.tanh(a)
    return np.imag(z) / h
