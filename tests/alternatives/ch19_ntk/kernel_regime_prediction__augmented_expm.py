"""No eigendecomposition: e^{-sA} and ∫_0^s e^{-uA} du from the exponential of the augmented matrix [[-sA, sI], [0, 0]] (Van Loan), computed by Taylor series with scaling and squaring."""


def _expm(B):
    norm = np.abs(B).sum(axis=1).max()
    j = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    Bs = B / 2.0**j
    E, term = np.eye(B.shape[0]), np.eye(B.shape[0])
    for k in range(1, 30):
        term = term @ Bs / k
        E = E + term
    for _ in range(j):
        E = E @ E
    return E


def ntk_predict(A_train, A_test_train, h0_train, h0_test, y, alpha, t):
    M = y.shape[0]
    s = alpha * t / M
    aug = np.zeros((2 * M, 2 * M))
    aug[:M, :M] = -s * A_train
    aug[:M, M:] = s * np.eye(M)
    E = _expm(aug)
    decay, integral = E[:M, :M], E[:M, M:]  # e^{-sA} and φ_s(A) = ∫_0^s e^{-uA} du
    r0 = y - h0_train
    return y - decay @ r0, h0_test + A_test_train @ (integral @ r0)
