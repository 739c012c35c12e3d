"""W_ℓ applied to rows without the transpose: X @ W instead of X @ W.T (i.e. Wᵀ x)."""


def resnet_forward(x0, thetas, h):
    out = [np.array(x0, dtype=np.float64)]
    for W, b in thetas:
        out.append(out[-1] + h * np.tanh(out[-1] @ W + b))
    return np.stack(out)
