"""Builds the Jacobians ∂g/∂θ (n × N(1+d)) explicitly and returns J1 J2ᵀ."""


def empirical_ntk(c, W, X1, X2, act="tanh"):
    N, d = W.shape

    def jac(X):
        s, ds = activate(X @ W.T, act)  # (n, N)
        Jw = (ds * c)[:, :, None] * X[:, None, :]  # ∂g/∂w^i = c^i σ' x / √N
        return np.concatenate([s, Jw.reshape(X.shape[0], N * d)], axis=1) / np.sqrt(N)

    return jac(X1) @ jac(X2).T
