"""Windows gathered by fancy indexing with explicit row and column index grids; backward one window position at a time (one winner per plane, so += is safe)."""


def maxpool_forward(X, k, s):
    N, C, H, W = X.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    r = (np.arange(Ho) * s)[:, None, None, None] + np.arange(k)[None, None, :, None]  # (Ho, 1, k, 1)
    c = (np.arange(Wo) * s)[None, :, None, None] + np.arange(k)[None, None, None, :]  # (1, Wo, 1, k)
    win = X[:, :, r, c].reshape(N, C, Ho, Wo, k * k)  # (N, C, Ho, Wo, k, k) flattened row-major
    a = win.argmax(axis=-1)
    out = np.take_along_axis(win, a[..., None], axis=-1)[..., 0]
    rows = np.arange(Ho)[:, None] * s + a // k
    cols = np.arange(Wo)[None, :] * s + a % k
    return out, (rows * W + cols).astype(np.int64)


def maxpool_backward(dOut, argmax, X_shape):
    N, C, H, W = X_shape
    dX = np.zeros((N * C, H * W))
    planes = np.arange(N * C)
    for i in range(dOut.shape[2]):
        for j in range(dOut.shape[3]):
            dX[planes, argmax[:, :, i, j].ravel()] += dOut[:, :, i, j].ravel()
    return dX.reshape(N, C, H, W)
