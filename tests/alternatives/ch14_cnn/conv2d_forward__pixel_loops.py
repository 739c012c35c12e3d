"""The definition pixel by pixel: loops over n, o, i, j, each output the sum of the kernel times its padded window."""


def conv2d_forward(X, K, b, stride=1, padding=0):
    N, C, H, W = X.shape
    O, _, kh, kw = K.shape
    P, s = padding, stride
    Xp = np.zeros((N, C, H + 2 * P, W + 2 * P))
    Xp[:, :, P:P + H, P:P + W] = X
    Ho, Wo = (H + 2 * P - kh) // s + 1, (W + 2 * P - kw) // s + 1
    Y = np.empty((N, O, Ho, Wo))
    for n in range(N):
        for o in range(O):
            for i in range(Ho):
                for j in range(Wo):
                    Y[n, o, i, j] = b[o] + np.sum(K[o] * Xp[n, :, i * s:i * s + kh, j * s:j * s + kw])
    return Y
