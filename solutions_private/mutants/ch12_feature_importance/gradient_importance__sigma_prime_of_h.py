"""σ' evaluated at the activation H^ℓ = σ(Z^ℓ) instead of the pre-activation Z^ℓ."""


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    _, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    delta = np.zeros_like(Zs[-1])
    delta[:, output_index] = 1.0
    for ell in range(len(Ws) - 1, 0, -1):
        delta = (delta @ Ws[ell].T) * activate(Hs[ell], activation)[1]
    S = np.abs(delta @ Ws[0].T).mean(axis=0)
    return S / S.sum() if normalize else S
