"""Column by column: the M x M Jacobian of BN for output feature j, then ∂Λ/∂W_{:,j} = Xᵀ Jᵀ (γ_j G_{:,j})."""


def bn_linear_layer_grad(X, W, gamma, beta, G, eps=0.0):
    M = X.shape[0]
    dW = np.empty(W.shape)
    for j in range(W.shape[1]):
        z = X @ W[:, j]
        zc = z - z.mean()
        s = 1.0 / np.sqrt(zc @ zc / M + eps)
        zh = zc * s
        J = (np.eye(M) - 1.0 / M - np.outer(zh, zh) / M) * s
        dW[:, j] = X.T @ (J.T @ (gamma[j] * G[:, j]))
    return dW
