"""A⁻¹ (I - e^{-sA}) by np.linalg.solve: garbage (or an error) when A is singular, where φ_s(0) = s."""


def ntk_predict(A_train, A_test_train, h0_train, h0_test, y, alpha, t):
    M = y.shape[0]
    lam, Q = np.linalg.eigh(A_train)
    r0 = y - h0_train
    rt = Q @ (np.exp(-alpha * t / M * lam) * (Q.T @ r0))
    return y - rt, h0_test + A_test_train @ np.linalg.solve(A_train, r0 - rt)
