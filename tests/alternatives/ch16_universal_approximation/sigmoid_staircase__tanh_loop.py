"""σ(u) = (1 + tanh(u/2))/2, a loop over the units; the bound written as (L/K)(½ + e^{-a} coth a), a = λ/(2K)."""


def sigmoid_staircase(f, K, lam, x):
    grid = np.arange(K + 1) / K
    fv = np.asarray(f(grid), dtype=np.float64)
    out = np.full(len(x), fv[0])
    for k in range(1, K + 1):
        out = out + (fv[k] - fv[k - 1]) * 0.5 * (1.0 + np.tanh(0.5 * lam * (np.asarray(x) - (k - 0.5) / K)))
    return out


def staircase_bound(L_lip, K, lam):
    a = lam / (2.0 * K)
    return float(L_lip / K * (0.5 + np.exp(-a) / np.tanh(a)))
