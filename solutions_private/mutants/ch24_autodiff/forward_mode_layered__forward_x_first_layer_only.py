"""The forward pass feeds x to the first layer only: z_ℓ = tanh(W^ℓ_z z_{ℓ-1}) for ℓ ≥ 2."""


def layered_forward(x, Wz, Wx):
    zs = [np.tanh(Wx[0] @ x)]
    for ell in range(1, len(Wx)):
        zs.append(np.tanh(Wz[ell] @ zs[-1]))
    return zs
