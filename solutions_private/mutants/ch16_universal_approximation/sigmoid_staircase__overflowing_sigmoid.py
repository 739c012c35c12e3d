"""The textbook sigmoid 1/(1 + exp(-u)): exp overflows for large negative u = λ(x - m)."""


def sigmoid_staircase(f, K, lam, x):
    fv = f(np.arange(K + 1) / K)
    u = lam * (x[:, None] - (np.arange(1, K + 1)[None, :] - 0.5) / K)
    return fv[0] + (1.0 / (1.0 + np.exp(-u))) @ np.diff(fv)
