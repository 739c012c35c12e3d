"""The batch recursion with the forward caches of mlp_forward; norms by np.linalg.norm(..., 'fro'), written into a preallocated array from the last layer down."""


def delta_norms(X, Y, Ws, bs, activation):
    U, Zs, _ = mlp_forward(X, Ws, bs, activation)
    L = len(Ws)
    out = np.empty(L)
    delta = (U - Y) / X.shape[0]
    out[L - 1] = np.linalg.norm(delta, "fro")
    for ell in range(L - 2, -1, -1):
        delta = (delta @ Ws[ell + 1].T) * activate(Zs[ell], activation)[1]
        out[ell] = np.linalg.norm(delta, "fro")
    return out
