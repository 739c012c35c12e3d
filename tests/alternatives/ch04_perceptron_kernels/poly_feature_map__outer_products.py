"""For each point the outer product x xᵀ: its diagonal, then √2 times its strict upper triangle read row by row, then √(2c) x and c."""


def poly2_features(X, c):
    n, d = X.shape
    iu = np.triu_indices(d, 1)
    rows = []
    for x in X:
        O = np.outer(x, x)
        rows.append(np.concatenate([np.diag(O), np.sqrt(2.0) * O[iu], np.sqrt(2.0 * c) * x, [float(c)]]))
    return np.array(rows).reshape(n, (d + 1) * (d + 2) // 2)
