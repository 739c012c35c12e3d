"""Row and column radii swapped for rectangular kernels (r_w rows and r_h columns padded)."""


def conv2d_circular(X, K, b):
    _, _, kh, kw = K.shape
    rh, rw = (kh - 1) // 2, (kw - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (rw, rw), (rh, rh)), mode="wrap")
    return conv2d_forward(Xp, K, b)
