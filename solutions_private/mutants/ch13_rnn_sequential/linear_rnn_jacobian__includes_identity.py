"""Off by one in t: returns ‖∂h_t/∂h_0‖ for t = 0..T-1 (the first entry is ‖I‖ = 1)."""


def hidden_jacobian_norms(W_hh, H, T):
    J = np.eye(W_hh.shape[0])
    norms = np.empty(T)
    for t in range(T):
        norms[t] = np.linalg.norm(J, 2)
        step = W_hh if H is None else (1.0 - H[t] ** 2)[:, None] * W_hh
        J = step @ J
    return norms
