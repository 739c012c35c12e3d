"""Own sigmoid 1/(1 + exp(-z)) in the backward pass: overflows for saturated units."""


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    _, Zs, _ = mlp_forward(X, Ws, bs, activation)
    delta = np.zeros_like(Zs[-1])
    delta[:, output_index] = 1.0
    for ell in range(len(Ws) - 1, 0, -1):
        Z = Zs[ell - 1]
        if activation == "sigmoid":
            s = 1.0 / (1.0 + np.exp(-Z))
            slope = s * (1.0 - s)
        else:
            slope = activate(Z, activation)[1]
        delta = (delta @ Ws[ell].T) * slope
    S = np.abs(delta @ Ws[0].T).mean(axis=0)
    return S / S.sum() if normalize else S
