"""Stride ignored: a patch at every position (L = (H + 2P - k_h + 1)(W + 2P - k_w + 1) columns)."""


def im2col(X, kh, kw, stride=1, padding=0):
    N, C = X.shape[:2]
    win = _windows(_pad(X, padding), kh, kw, 1)
    Ho, Wo = win.shape[2], win.shape[3]
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * kh * kw, Ho * Wo)
