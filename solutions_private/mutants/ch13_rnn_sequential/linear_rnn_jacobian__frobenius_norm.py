"""Frobenius norm instead of the spectral norm (np.linalg.norm without ord=2)."""


def hidden_jacobian_norms(W_hh, H, T):
    J = np.eye(W_hh.shape[0])
    norms = np.empty(T)
    for t in range(T):
        step = W_hh if H is None else (1.0 - H[t] ** 2)[:, None] * W_hh
        J = step @ J
        norms[t] = np.linalg.norm(J)
    return norms
