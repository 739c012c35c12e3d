"""Ties broken by the LAST maximum of the window (a loop updating on >=), not the first in row-major order."""


def maxpool_forward(X, k, s):
    N, C, H, W = X.shape
    win = _windows(X, k, k, s)
    Ho, Wo = win.shape[2], win.shape[3]
    flat = win.reshape(N, C, Ho, Wo, k * k)
    a = k * k - 1 - flat[..., ::-1].argmax(axis=-1)
    out = np.take_along_axis(flat, a[..., None], axis=-1)[..., 0]
    r, c = np.divmod(a, k)
    rows = np.arange(Ho)[:, None] * s + r
    cols = np.arange(Wo)[None, :] * s + c
    return out, (rows * W + cols).astype(np.int64)
