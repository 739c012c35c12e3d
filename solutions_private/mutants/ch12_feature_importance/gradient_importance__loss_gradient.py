"""Gradient of a loss instead of the model output: δ^L = U_o E_o (the loss ½ U_o², as if y = 0)."""


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    U, Zs, _ = mlp_forward(X, Ws, bs, activation)
    delta = np.zeros_like(Zs[-1])
    delta[:, output_index] = U[:, output_index]
    for ell in range(len(Ws) - 1, 0, -1):
        delta = (delta @ Ws[ell].T) * activate(Zs[ell - 1], activation)[1]
    S = np.abs(delta @ Ws[0].T).mean(axis=0)
    return S / S.sum() if normalize else S
