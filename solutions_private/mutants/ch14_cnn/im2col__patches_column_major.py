"""Patches enumerated column-major (l = j·H_o + i) instead of row-major (l = i·W_o + j)."""


def im2col(X, kh, kw, stride=1, padding=0):
    N, C = X.shape[:2]
    win = _windows(_pad(X, padding), kh, kw, stride)
    Ho, Wo = win.shape[2], win.shape[3]
    return win.transpose(0, 1, 4, 5, 3, 2).reshape(N, C * kh * kw, Ho * Wo)
