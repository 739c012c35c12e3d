"""The delay off by one: θ_{k+1} = θ_k - ηλ θ_{k-τ-1}, i.e. a delay of τ + 1."""


def delayed_gd(theta0, lam, lr, tau, n_steps):
    th = np.empty(n_steps + 1)
    th[0] = theta0
    for k in range(n_steps):
        th[k + 1] = th[k] - lr * lam * th[max(k - tau - 1, 0)]
    return th
