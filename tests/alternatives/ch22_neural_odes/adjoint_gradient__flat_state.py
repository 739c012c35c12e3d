"""The augmented system packed into one flat vector and solved by a generic RK4 loop (column-vector algebra per trajectory)."""


def neural_ode_adjoint_grad(W, b, X0, Y, T, n):
    Nb, d = X0.shape
    h = T / n

    def unpack(z):
        X = z[: Nb * d].reshape(Nb, d)
        A = z[Nb * d : 2 * Nb * d].reshape(Nb, d)
        return X, A

    def rhs(z):
        X, A = unpack(z)
        dX = np.empty_like(X)
        dA = np.empty_like(A)
        dgW = np.zeros((d, d))
        dgb = np.zeros(d)
        for j in range(Nb):
            pre = W @ X[j] + b
            fx = np.tanh(pre)
            s = 1 - fx**2
            dX[j] = fx
            dA[j] = -W.T @ (s * A[j])
            dgW -= np.outer(s * A[j], X[j])
            dgb -= s * A[j]
        return np.concatenate([dX.ravel(), dA.ravel(), dgW.ravel(), dgb])

    def rk4_step(z, step):
        k1 = rhs(z)
        k2 = rhs(z + step / 2 * k1)
        k3 = rhs(z + step / 2 * k2)
        k4 = rhs(z + step * k3)
        return z + step / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

    zeros = np.zeros(Nb * d + d * d + d)
    z = np.concatenate([np.asarray(X0, dtype=np.float64).ravel(), zeros])
    for _ in range(n):
        z = rk4_step(z, h)  # the adjoint part stays 0 on the way forward
    XT, _ = unpack(z)
    L = 0.5 * float(np.sum((XT - Y) ** 2)) / Nb
    z = np.concatenate([XT.ravel(), ((XT - Y) / Nb).ravel(), np.zeros(d * d + d)])
    for _ in range(n):
        z = rk4_step(z, -h)
    g = z[2 * Nb * d :]
    return L, g[: d * d].reshape(d, d), g[d * d :]
