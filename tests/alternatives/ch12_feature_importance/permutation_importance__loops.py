"""Loops with an explicit Λ, the column shuffled by fancy indexing of a column vector, the R differences summed then divided."""


def permutation_importance(predict, X, y, perms):
    M, d = X.shape

    def loss(A):
        r = y - predict(A)
        return float(r @ r) / (2 * M)

    base = loss(X)
    out = np.zeros(d)
    for i in range(d):
        total = 0.0
        for perm in perms[i]:
            Xp = np.array(X, copy=True)
            Xp[:, i] = X[:, i][perm]
            total += loss(Xp) - base
        out[i] = total / perms.shape[1]
    return out
