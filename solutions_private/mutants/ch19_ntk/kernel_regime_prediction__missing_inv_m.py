"""The 1/M of Λ = (1/(2M)) Σ (y - g)² is missing: time runs M times too fast (s = α t)."""


def ntk_predict(A_train, A_test_train, h0_train, h0_test, y, alpha, t):
    lam, Q = np.linalg.eigh(A_train)
    decay, phi = _phi_exp(lam, alpha * t)
    r0 = Q.T @ (y - h0_train)
    return y - Q @ (decay * r0), h0_test + A_test_train @ (Q @ (phi * r0))
