"""The kernel flipped by 180° (a true convolution instead of the layer's cross-correlation)."""


def conv2d_forward(X, K, b, stride=1, padding=0):
    Kf = K[:, :, ::-1, ::-1]
    _, _, kh, kw = K.shape
    win = _windows(_pad(X, padding), kh, kw, stride)
    Y = np.einsum("ncijpq,ocpq->noij", win, Kf)
    return Y + b[None, :, None, None]
