"""Loops over every window with a strict > comparison (so the first maximum in row-major order wins); backward by loops that add."""


def maxpool_forward(X, k, s):
    N, C, H, W = X.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    out = np.empty((N, C, Ho, Wo))
    idx = np.empty((N, C, Ho, Wo), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    best, where = -np.inf, -1
                    for p in range(k):
                        for q in range(k):
                            v = X[n, c, i * s + p, j * s + q]
                            if v > best or where < 0:
                                best, where = v, (i * s + p) * W + (j * s + q)
                    out[n, c, i, j], idx[n, c, i, j] = best, where
    return out, idx


def maxpool_backward(dOut, argmax, X_shape):
    N, C, H, W = X_shape
    dX = np.zeros((N, C, H * W))
    for n in range(N):
        for c in range(C):
            for i in range(dOut.shape[2]):
                for j in range(dOut.shape[3]):
                    dX[n, c, argmax[n, c, i, j]] += dOut[n, c, i, j]
    return dX.reshape(N, C, H, W)
