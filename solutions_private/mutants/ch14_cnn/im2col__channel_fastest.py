"""Rows ordered (kernel row, kernel column, channel) with the channel fastest, not torch's (channel, kernel row, kernel column)."""


def im2col(X, kh, kw, stride=1, padding=0):
    N, C = X.shape[:2]
    win = _windows(_pad(X, padding), kh, kw, stride)  # (N, C, Ho, Wo, kh, kw)
    Ho, Wo = win.shape[2], win.shape[3]
    return win.transpose(0, 4, 5, 1, 2, 3).reshape(N, C * kh * kw, Ho * Wo)
