"""∂Λ/∂K contracted in the order (C_in, k_h, k_w, C_out) and then reshaped (not transposed) to K's shape."""

_reference_conv2d_backward = conv2d_backward


def conv2d_backward(dY, X, K, stride=1, padding=0):
    dX, _, db = _reference_conv2d_backward(dY, X, K, stride, padding)
    _, _, kh, kw = K.shape
    win = _windows(_pad(X, padding), kh, kw, stride)  # (N, Cin, Ho, Wo, kh, kw)
    dK = np.tensordot(win, dY, axes=([0, 2, 3], [0, 2, 3]))  # (Cin, kh, kw, Cout)
    return dX, dK.reshape(K.shape), db
