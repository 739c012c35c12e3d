"""One-step Jacobian written W diag(1 - h_s²) (scaling columns) instead of diag(1 - h_s²) W."""


def hidden_jacobian_norms(W_hh, H, T):
    J = np.eye(W_hh.shape[0])
    norms = np.empty(T)
    for t in range(T):
        step = W_hh if H is None else W_hh * (1.0 - H[t] ** 2)[None, :]
        J = step @ J
        norms[t] = np.linalg.norm(J, 2)
    return norms
