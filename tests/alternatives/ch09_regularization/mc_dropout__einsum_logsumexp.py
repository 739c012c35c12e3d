"""All K passes at once with einsum on a leading K axis; softmax as exp(U - logsumexp(U)) per row."""


def _alt_g(U, output):
    if output == "identity":
        return U
    if output == "exp":
        return np.exp(U)
    if output == "softmax":
        top = U.max(axis=-1, keepdims=True)
        lse = top + np.log(np.exp(U - top).sum(axis=-1, keepdims=True))
        return np.exp(U - lse)
    raise ValueError(output)


def mc_dropout_predict(X, Ws, bs, masks, output="identity"):
    K = masks[0].shape[0]
    H = np.broadcast_to(X, (K,) + X.shape)
    for W, b, R in zip(Ws[:-1], bs[:-1], masks):
        H = R * np.maximum(np.einsum("kmi,ij->kmj", H, W) + b, 0.0)
    U = np.einsum("kmi,ij->kmj", H, Ws[-1]) + bs[-1]
    return _alt_g(U, output).sum(axis=0) / K


def scaled_predict(X, Ws, bs, p_keep, output="identity"):
    H = X
    for W, b in zip(Ws[:-1], bs[:-1]):
        H = p_keep * np.maximum(np.einsum("mi,ij->mj", H, W) + b, 0.0)
    return _alt_g(np.einsum("mi,ij->mj", H, Ws[-1]) + bs[-1], output)
