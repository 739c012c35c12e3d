"""No padding at all: Y = b + Σ_{p,q} K[:, :, p, q] applied to X rolled by (r_h - p, r_w - q) (a roll is the torus shift)."""


def conv2d_circular(X, K, b):
    O, C, kh, kw = K.shape
    rh, rw = (kh - 1) // 2, (kw - 1) // 2
    Y = np.zeros((X.shape[0], O, X.shape[2], X.shape[3])) + b[None, :, None, None]
    for p in range(kh):
        for q in range(kw):
            shifted = np.roll(X, (rh - p, rw - q), axis=(2, 3))  # shifted[.., i, j] = X[.., i + p - rh, j + q - rw]
            Y += np.einsum("oc,nchw->nohw", K[:, :, p, q], shifted)
    return Y
