"""Squared distances accumulated one coordinate at a time, (a_k - b_k)² summed over k; inner products the same way."""


def kernel_matrix(A, B, kind, bandwidth=1.0, degree=2, c=1.0):
    n, d = A.shape
    m = B.shape[0]
    if kind == "rbf":
        D = np.zeros((n, m))
        for k in range(d):
            diff = A[:, k][:, None] - B[:, k][None, :]
            D += diff * diff
        return np.exp(D * (-0.5 / bandwidth**2))
    G = np.zeros((n, m))
    for k in range(d):
        G += np.outer(A[:, k], B[:, k])
    if kind == "linear":
        return G
    if kind == "poly":
        return np.power(G + c, degree)
    raise ValueError(kind)
