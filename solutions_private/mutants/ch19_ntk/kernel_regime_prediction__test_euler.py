"""The test prediction takes one Euler step of length t, h_0 + (αt/M) A(x, X) r_0, instead of integrating."""


def ntk_predict(A_train, A_test_train, h0_train, h0_test, y, alpha, t):
    M = y.shape[0]
    lam, Q = np.linalg.eigh(A_train)
    r0 = y - h0_train
    return y - Q @ (np.exp(-alpha * t / M * lam) * (Q.T @ r0)), h0_test + alpha * t / M * (A_test_train @ r0)
