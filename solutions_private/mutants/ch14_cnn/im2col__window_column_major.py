"""Each k_h x k_w window flattened column-major (row c·k_h·k_w + q·k_h + p) instead of row-major."""


def im2col(X, kh, kw, stride=1, padding=0):
    N, C = X.shape[:2]
    win = _windows(_pad(X, padding), kh, kw, stride)
    Ho, Wo = win.shape[2], win.shape[3]
    return win.transpose(0, 1, 5, 4, 2, 3).reshape(N, C * kh * kw, Ho * Wo)
