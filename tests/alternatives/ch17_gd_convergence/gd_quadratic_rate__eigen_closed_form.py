"""The trajectory from the eigendecomposition of A (θ_k = θ* + Q diag((1-ηλ)^k) Qᵀ(θ_0 - θ*)) instead of a loop; q as a max over an array."""


def gd_quadratic(A, b, theta0, lr, n_steps):
    lam, Q = np.linalg.eigh(A)
    star = Q @ ((Q.T @ b) / lam)
    z0 = Q.T @ (np.asarray(theta0, dtype=np.float64) - star)
    k = np.arange(n_steps + 1)[:, None]
    return star + ((1.0 - lr * lam)[None, :] ** k * z0) @ Q.T


def contraction_factor(mu, L, lr):
    return float(np.max(np.abs(1.0 - lr * np.array([mu, L]))))
