"""σ(u) = exp(-log(1 + e^{-u})) with np.logaddexp; the jumps applied with einsum."""


def sigmoid_staircase(f, K, lam, x):
    fv = np.asarray(f(np.arange(K + 1) / K), dtype=np.float64)
    mids = (np.arange(K) + 0.5) / K
    u = lam * (np.asarray(x, dtype=np.float64)[:, None] - mids)
    return fv[0] + np.einsum("nk,k->n", np.exp(-np.logaddexp(0.0, -u)), fv[1:] - fv[:-1])


def staircase_bound(L_lip, K, lam):
    q = np.exp(-lam / K)
    return float(L_lip * (0.5 + (np.sqrt(q) + q * np.sqrt(q)) / -np.expm1(-lam / K)) / K)
