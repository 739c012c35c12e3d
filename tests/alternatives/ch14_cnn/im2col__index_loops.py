"""Every entry by its index formula: cols[n, c·k_h·k_w + p·k_w + q, i·W_o + j] = X^pad[n, c, i·s + p, j·s + q]."""


def im2col(X, kh, kw, stride=1, padding=0):
    N, C, H, W = X.shape
    P, s = padding, stride
    Xp = np.zeros((N, C, H + 2 * P, W + 2 * P))
    Xp[:, :, P:P + H, P:P + W] = X
    Ho, Wo = (H + 2 * P - kh) // s + 1, (W + 2 * P - kw) // s + 1
    cols = np.empty((N, C * kh * kw, Ho * Wo))
    for c in range(C):
        for p in range(kh):
            for q in range(kw):
                r = c * kh * kw + p * kw + q
                for i in range(Ho):
                    for j in range(Wo):
                        cols[:, r, i * Wo + j] = Xp[:, c, i * s + p, j * s + q]
    return cols
