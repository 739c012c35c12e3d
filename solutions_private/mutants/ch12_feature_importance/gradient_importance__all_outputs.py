"""output_index ignored: δ^L is all ones, the gradient of the sum of all outputs."""


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    _, Zs, _ = mlp_forward(X, Ws, bs, activation)
    delta = np.ones_like(Zs[-1])
    for ell in range(len(Ws) - 1, 0, -1):
        delta = (delta @ Ws[ell].T) * activate(Zs[ell - 1], activation)[1]
    S = np.abs(delta @ Ws[0].T).mean(axis=0)
    return S / S.sum() if normalize else S
