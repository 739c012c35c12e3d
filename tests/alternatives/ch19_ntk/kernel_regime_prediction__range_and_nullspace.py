"""Eigendecomposition with an explicit split: A⁻¹(I - e^{-sA}) on the range of A (eigenvalues above 1e-13 λ_max), s on its null space."""


def ntk_predict(A_train, A_test_train, h0_train, h0_test, y, alpha, t):
    M = y.shape[0]
    s = alpha * t / M
    lam, Q = np.linalg.eigh(A_train)
    coef = Q.T @ (y - h0_train)
    rng_mask = lam > 1e-13 * max(lam[-1], 1e-300)
    phi = np.full(M, s)
    phi[rng_mask] = -np.expm1(-s * lam[rng_mask]) / lam[rng_mask]
    decay = np.exp(-s * np.where(rng_mask, lam, 0.0))
    return y - Q @ (decay * coef), h0_test + (A_test_train @ Q) @ (phi * coef)
