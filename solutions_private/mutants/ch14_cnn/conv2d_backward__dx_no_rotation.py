"""∂Λ/∂X as a full correlation of the (dilated) dY with the kernel NOT rotated by 180°."""


def conv2d_backward(dY, X, K, stride=1, padding=0):
    N, Cin, H, W = X.shape
    Cout, _, kh, kw = K.shape
    _, _, Ho, Wo = dY.shape
    s, P = stride, padding
    Xp = _pad(X, P)
    db = dY.sum(axis=(0, 2, 3))
    dK = np.tensordot(dY, _windows(Xp, kh, kw, s), axes=([0, 2, 3], [0, 2, 3]))
    dil = np.zeros((N, Cout, (Ho - 1) * s + 1, (Wo - 1) * s + 1))
    dil[:, :, ::s, ::s] = dY
    full = np.pad(dil, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    Kt = K.transpose(1, 0, 2, 3)  # (Cin, Cout, kh, kw), the rotation K[:, :, ::-1, ::-1] forgotten
    part = conv2d_forward(full, Kt, np.zeros(Cin))
    dXp = np.zeros_like(Xp)
    dXp[:, :, :part.shape[2], :part.shape[3]] = part
    return dXp[:, :, P:P + H, P:P + W].copy(), dK, db
