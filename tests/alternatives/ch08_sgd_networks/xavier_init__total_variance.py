"""Var over all entries by the law of total variance: mean of the per-column variances plus the variance of the column means (both ddof = 0)."""


def xavier_init(layer_sizes, U, C=1.0):
    return [np.divide(C * np.asarray(u, dtype=np.float64), np.sqrt(float(d))) for d, u in zip(layer_sizes[:-1], U)]


def preactivation_variances(X, Ws, activation="tanh"):
    H = X
    out = np.zeros(len(Ws))
    for l in range(len(Ws)):
        Z = np.einsum("mi,ij->mj", H, Ws[l])
        col_mean = Z.mean(axis=0)
        out[l] = ((Z - col_mean) ** 2).mean(axis=0).mean() + ((col_mean - col_mean.mean()) ** 2).mean()
        H = activate(Z, activation)[0]
    return out
