"""x and the trace by RK4, but J stepped with Euler (J ← J + h ∂f/∂x(x_k) J): the variational equation left out of the RK4 system."""


def flow_jacobian(field, x0, T, n):
    m, d = x0.shape
    h = T / n
    X, J, ell = np.array(x0, dtype=np.float64), np.tile(np.eye(d), (m, 1, 1)), np.zeros(m)
    for _ in range(n):
        F1, D1 = field(X)
        F2, D2 = field(X + h / 2 * F1)
        F3, D3 = field(X + h / 2 * F2)
        F4, D4 = field(X + h * F3)
        tr = lambda D: np.trace(D, axis1=1, axis2=2)  # noqa: E731
        J = J + h * D1 @ J
        ell = ell + h / 6 * (tr(D1) + 2 * tr(D2) + 2 * tr(D3) + tr(D4))
        X = X + h / 6 * (F1 + 2 * F2 + 2 * F3 + F4)
    return J, ell
