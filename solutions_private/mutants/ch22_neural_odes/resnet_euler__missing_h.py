"""The residual step missing h: x_{ℓ+1} = x_ℓ + tanh(W_ℓ x_ℓ + b_ℓ)."""


def resnet_forward(x0, thetas, h):
    out = [np.array(x0, dtype=np.float64)]
    for W, b in thetas:
        out.append(out[-1] + np.tanh(out[-1] @ W.T + b))
    return np.stack(out)
