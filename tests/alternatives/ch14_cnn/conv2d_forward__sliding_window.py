"""np.lib.stride_tricks.sliding_window_view of the padded input, strided, contracted with the kernel by tensordot."""


def conv2d_forward(X, K, b, stride=1, padding=0):
    kh, kw = K.shape[2], K.shape[3]
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    Y = np.tensordot(win, K, axes=([1, 4, 5], [1, 2, 3]))  # (N, Ho, Wo, O)
    return np.ascontiguousarray(Y.transpose(0, 3, 1, 2)) + b[None, :, None, None]
