"""Right pooled values, but the winner's index is computed from the corner (i·k, j·k) instead of (i·s, j·s)."""


def maxpool_forward(X, k, s):
    N, C, H, W = X.shape
    win = _windows(X, k, k, s)
    Ho, Wo = win.shape[2], win.shape[3]
    flat = win.reshape(N, C, Ho, Wo, k * k)
    a = flat.argmax(axis=-1)
    out = flat.max(axis=-1)
    r, c = np.divmod(a, k)
    rows = np.arange(Ho)[:, None] * k + r
    cols = np.arange(Wo)[None, :] * k + c
    return out, (rows * W + cols).astype(np.int64)
