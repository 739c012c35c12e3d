"""History not constant: θ_j = 0 for j < 0 instead of θ_0, so the first τ steps do not move."""


def delayed_gd(theta0, lam, lr, tau, n_steps):
    th = np.empty(n_steps + 1)
    th[0] = theta0
    for k in range(n_steps):
        old = th[k - tau] if k - tau >= 0 else 0.0
        th[k + 1] = th[k] - lr * lam * old
    return th
