"""The channel sum is missing: Y = ... inside the loop over c overwrites instead of adding, so only the last channel counts."""


def conv2d_forward(X, K, b, stride=1, padding=0):
    N, Cin, H, W = X.shape
    Cout, _, kh, kw = K.shape
    s, P = stride, padding
    Xp = _pad(X, P)
    Ho, Wo = (H + 2 * P - kh) // s + 1, (W + 2 * P - kw) // s + 1
    Y = np.zeros((N, Cout, Ho, Wo))
    for o in range(Cout):
        for c in range(Cin):
            for i in range(Ho):
                for j in range(Wo):
                    Y[:, o, i, j] = np.sum(Xp[:, c, i * s:i * s + kh, j * s:j * s + kw] * K[o, c], axis=(1, 2)) + b[o]
    return Y
