"""Λ(θ_k) from the closed form ½ Σ h_j (1-ηh_j)^{2k} e_j², in blocks of steps; ratios from an explicit bound array."""


def gd_separable_quadratic(h, theta_star, theta0, lr, n_steps):
    e2 = (np.asarray(theta0, dtype=np.float64) - theta_star) ** 2
    c2 = (1.0 - lr * h) ** 2
    out = np.empty(n_steps + 1)
    for s in range(0, n_steps + 1, 500):
        k = np.arange(s, min(s + 500, n_steps + 1))[:, None]
        out[s : s + len(k)] = 0.5 * (c2[None, :] ** k * (h * e2)[None, :]).sum(axis=1)
    return out


def check_sublinear_bound(fvals, fstar, theta0, theta_star, lr):
    K = len(fvals) - 1
    d2 = np.linalg.norm(np.asarray(theta0) - np.asarray(theta_star)) ** 2
    bound = np.array([d2 / (2.0 * lr * k) for k in range(1, K + 1)], dtype=np.float64).reshape(K)
    return (np.asarray(fvals)[1:] - fstar) / bound
