"""dX as the 'full' correlation of the dilated dY with the kernel rotated by 180° (C_in and C_out swapped); dK by einsum over strided slices."""


def conv2d_backward(dY, X, K, stride=1, padding=0):
    N, C, H, W = X.shape
    O, _, kh, kw = K.shape
    P, s = padding, stride
    Ho, Wo = dY.shape[2], dY.shape[3]
    Xp = np.pad(X, ((0, 0), (0, 0), (P, P), (P, P)))
    Hp, Wp = Xp.shape[2], Xp.shape[3]
    # dilate dY onto the grid of window corners, then pad by k - 1 (and by the rows no window reaches)
    D = np.zeros((N, O, Hp - kh + 1, Wp - kw + 1))
    D[:, :, ::s, ::s][:, :, :Ho, :Wo] = dY
    D = np.pad(D, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    Kr = K[:, :, ::-1, ::-1]
    dXp = np.zeros((N, C, Hp, Wp))
    for p in range(kh):
        for q in range(kw):
            dXp += np.einsum("nouv,oc->ncuv", D[:, :, p:p + Hp, q:q + Wp], Kr[:, :, p, q])
    dK = np.empty(K.shape)
    for p in range(kh):
        for q in range(kw):
            dK[:, :, p, q] = np.einsum("noij,ncij->oc", dY, Xp[:, :, p:p + s * (Ho - 1) + 1:s, q:q + s * (Wo - 1) + 1:s])
    return dXp[:, :, P:P + H, P:P + W].copy(), dK, np.einsum("noij->o", dY)
