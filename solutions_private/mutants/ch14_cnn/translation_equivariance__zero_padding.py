"""Zero padding in place of circular padding (the border does not wrap around)."""


def conv2d_circular(X, K, b):
    _, _, kh, kw = K.shape
    rh, rw = (kh - 1) // 2, (kw - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (rh, rh), (rw, rw)))
    return conv2d_forward(Xp, K, b)
