"""The four RK4 stages written out for x, J and the trace separately; J updated with einsum."""


def flow_jacobian(field, x0, T, n):
    m, d = x0.shape
    h = T / n
    X = np.array(x0, dtype=np.float64)
    J = np.zeros((m, d, d))
    J[:, np.arange(d), np.arange(d)] = 1.0
    ell = np.zeros(m)
    mm = lambda D, M: np.einsum("mij,mjk->mik", D, M)  # noqa: E731
    tr = lambda D: np.einsum("mii->m", D)  # noqa: E731
    for _ in range(n):
        F1, D1 = field(X)
        G1 = mm(D1, J)
        F2, D2 = field(X + h / 2 * F1)
        G2 = mm(D2, J + h / 2 * G1)
        F3, D3 = field(X + h / 2 * F2)
        G3 = mm(D3, J + h / 2 * G2)
        F4, D4 = field(X + h * F3)
        G4 = mm(D4, J + h * G3)
        X = X + h / 6 * (F1 + 2 * F2 + 2 * F3 + F4)
        J = J + h / 6 * (G1 + 2 * G2 + 2 * G3 + G4)
        ell = ell + h / 6 * (tr(D1) + 2 * tr(D2) + 2 * tr(D3) + tr(D4))
    return J, ell
