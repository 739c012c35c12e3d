"""e^{+sA} instead of e^{-sA}: the residual grows instead of decaying."""


def ntk_predict(A_train, A_test_train, h0_train, h0_test, y, alpha, t):
    M = y.shape[0]
    lam, Q = np.linalg.eigh(A_train)
    decay, phi = _phi_exp(-lam, alpha * t / M)
    r0 = Q.T @ (y - h0_train)
    return y - Q @ (decay * r0), h0_test - A_test_train @ (Q @ (phi * r0))
