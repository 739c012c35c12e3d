"""The exact gradient through the softmax Jacobian diag(p) - p pᵀ; REINFORCE via one-hot matrices and einsum."""


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def exact_policy_gradient(theta, X, R):
    P = _softmax(X @ theta.T)
    # ∂J/∂z_i = (diag(p_i) - p_i p_iᵀ) R_i for the scores z_i = θ x_i
    dZ = np.einsum("nk,nk->nk", P, R) - P * np.einsum("nk,nk->n", P, R)[:, None]
    return np.einsum("nk,nd->kd", dZ, X) / len(X)


def reinforce_estimate(theta, X, A, r, baseline=None):
    P = _softmax(X @ theta.T)
    onehot = np.eye(theta.shape[0])[A]
    adv = r - baseline if baseline is not None else r
    return np.einsum("n,nk,nd->kd", adv, onehot - P, X) / len(X)
