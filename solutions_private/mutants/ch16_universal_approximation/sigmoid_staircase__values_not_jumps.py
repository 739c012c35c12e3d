"""Each unit weighted by the value f(k/K) instead of the jump f(k/K) - f((k-1)/K), and f(0) dropped."""


def sigmoid_staircase(f, K, lam, x):
    fv = f(np.arange(K + 1) / K)
    u = lam * (x[:, None] - (np.arange(1, K + 1)[None, :] - 0.5) / K)
    return _sigmoid(u) @ fv[1:]
