"""A loop over the kernel offsets: for offset (p, q) the output grid maps onto one strided slice of X^pad, which receives dY contracted with K[:, :, p, q]."""


def conv2d_backward(dY, X, K, stride=1, padding=0):
    N, C, H, W = X.shape
    O, _, kh, kw = K.shape
    s, P = stride, padding
    Ho, Wo = dY.shape[2], dY.shape[3]
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    dXp = np.zeros(Xp.shape)
    dK = np.zeros(K.shape)
    for p in range(kh):
        for q in range(kw):
            rows, cols = slice(p, p + s * (Ho - 1) + 1, s), slice(q, q + s * (Wo - 1) + 1, s)
            dXp[:, :, rows, cols] += np.einsum("noij,oc->ncij", dY, K[:, :, p, q])
            dK[:, :, p, q] = np.tensordot(dY, Xp[:, :, rows, cols], axes=([0, 2, 3], [0, 2, 3]))
    return dXp[:, :, P:P + H, P:P + W].copy(), dK, dY.sum(axis=(0, 2, 3))
