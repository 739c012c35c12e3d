"""Stride ignored in ∂Λ/∂X: dY is scattered with step 1 (not dilated), so pixel (i + p, j + q) gets what belongs to (i·s + p, j·s + q)."""


def conv2d_backward(dY, X, K, stride=1, padding=0):
    N, Cin, H, W = X.shape
    _, _, kh, kw = K.shape
    _, _, Ho, Wo = dY.shape
    s, P = stride, padding
    Xp = _pad(X, P)
    db = dY.sum(axis=(0, 2, 3))
    dK = np.tensordot(dY, _windows(Xp, kh, kw, s), axes=([0, 2, 3], [0, 2, 3]))
    dXp = np.zeros_like(Xp)
    for p in range(kh):
        for q in range(kw):
            dXp[:, :, p:p + Ho, q:q + Wo] += np.einsum("noij,oc->ncij", dY, K[:, :, p, q])
    return dXp[:, :, P:P + H, P:P + W].copy(), dK, db
