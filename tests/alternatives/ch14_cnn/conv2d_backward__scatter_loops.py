"""Loops over n, o, i, j: each dY entry scatters dY·K[o] into its window of dX^pad and adds dY·window to dK[o]."""


def conv2d_backward(dY, X, K, stride=1, padding=0):
    N, C, H, W = X.shape
    O, _, kh, kw = K.shape
    P, s = padding, stride
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    dXp = np.zeros(Xp.shape)
    dK = np.zeros(K.shape)
    for n in range(N):
        for o in range(O):
            for i in range(dY.shape[2]):
                for j in range(dY.shape[3]):
                    g = dY[n, o, i, j]
                    dXp[n, :, i * s:i * s + kh, j * s:j * s + kw] += g * K[o]
                    dK[o] += g * Xp[n, :, i * s:i * s + kh, j * s:j * s + kw]
    return dXp[:, :, P:P + H, P:P + W].copy(), dK, dY.sum(axis=(0, 2, 3))
