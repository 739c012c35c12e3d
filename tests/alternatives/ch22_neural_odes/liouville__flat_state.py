"""One flat state vector [x, vec J, ℓ] per batch row, stacked into an (m, d + d² + 1) array, and a generic RK4 step."""


def flow_jacobian(field, x0, T, n):
    m, d = x0.shape
    h = T / n

    def rhs(Z):
        X = Z[:, :d]
        J = Z[:, d : d + d * d].reshape(m, d, d)
        F, D = field(X)
        D = np.asarray(D)
        return np.hstack([np.asarray(F), (D @ J).reshape(m, d * d), np.trace(D, axis1=1, axis2=2)[:, None]])

    Z = np.hstack([x0, np.tile(np.eye(d).ravel(), (m, 1)), np.zeros((m, 1))])
    for _ in range(n):
        k1 = rhs(Z)
        k2 = rhs(Z + h / 2 * k1)
        k3 = rhs(Z + h / 2 * k2)
        k4 = rhs(Z + h * k3)
        Z = Z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return Z[:, d : d + d * d].reshape(m, d, d).copy(), Z[:, -1].copy()
