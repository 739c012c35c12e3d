"""Softmax without subtracting the row maximum: overflows for logits near 800."""


def _output(U, output):
    if output == "identity":
        return U
    if output == "exp":
        return np.exp(U)
    e = np.exp(U)
    return e / e.sum(axis=-1, keepdims=True)
