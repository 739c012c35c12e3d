"""The augmented design X̃ = [X 1]: Λ = ‖X̃θ - y‖²/(2M) and ∇Λ = X̃ᵀ(X̃θ - y)/M in one product (einsum)."""


def mse_objective_and_grad(theta, X, y):
    Xt = np.hstack([X, np.ones((X.shape[0], 1))])
    e = Xt @ theta - y
    M = len(y)
    return float(np.einsum("m,m->", e, e) / (2.0 * M)), np.einsum("mj,m->j", Xt, e) / M
