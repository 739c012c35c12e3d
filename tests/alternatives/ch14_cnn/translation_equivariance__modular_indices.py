"""The definition with modular index arithmetic: each output pixel gathers X[(i + p - r_h) mod H, (j + q - r_w) mod W] by loops."""


def conv2d_circular(X, K, b):
    N, C, H, W = X.shape
    O, _, kh, kw = K.shape
    rh, rw = (kh - 1) // 2, (kw - 1) // 2
    Y = np.empty((N, O, H, W))
    for i in range(H):
        rows = [(i + p - rh) % H for p in range(kh)]
        for j in range(W):
            cols = [(j + q - rw) % W for q in range(kw)]
            patch = X[:, :, rows][:, :, :, cols]  # (N, C, kh, kw)
            Y[:, :, i, j] = np.einsum("ncpq,ocpq->no", patch, K) + b
    return Y
