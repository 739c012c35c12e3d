"""Forward-mode differentiation: the tangents ∂H^ℓ/∂x_i of all d_0 inputs are pushed through the network with the activations."""


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    M, d0 = X.shape
    H = X
    T = np.broadcast_to(np.eye(d0), (M, d0, d0)).copy()  # T[m, i, :] = ∂H/∂x_i for sample m
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        Z = H @ W + b
        dZ = T @ W
        if ell < len(Ws):
            H, slope = activate(Z, activation)
            T = dZ * slope[:, None, :]
        else:
            T = dZ
    G = T[:, :, output_index]  # (M, d0): ∂U_{m,o}/∂x_{m,i}
    S = np.abs(G).mean(axis=0)
    return S / S.sum() if normalize else S
