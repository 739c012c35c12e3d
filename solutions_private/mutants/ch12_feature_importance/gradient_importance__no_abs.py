"""Forgets the absolute value: the plain average gradient."""


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    _, Zs, _ = mlp_forward(X, Ws, bs, activation)
    delta = np.zeros_like(Zs[-1])
    delta[:, output_index] = 1.0
    for ell in range(len(Ws) - 1, 0, -1):
        delta = (delta @ Ws[ell].T) * activate(Zs[ell - 1], activation)[1]
    S = (delta @ Ws[0].T).mean(axis=0)
    return S / S.sum() if normalize else S
