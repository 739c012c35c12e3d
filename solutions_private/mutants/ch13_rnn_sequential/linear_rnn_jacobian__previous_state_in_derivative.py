"""tanh' taken at the previous state: J_s = diag(1 - h_{s-1}²) W with h_0 treated as 0."""


def hidden_jacobian_norms(W_hh, H, T):
    J = np.eye(W_hh.shape[0])
    norms = np.empty(T)
    for t in range(T):
        if H is None:
            step = W_hh
        else:
            prev = H[t - 1] if t > 0 else np.zeros(W_hh.shape[0])
            step = (1.0 - prev**2)[:, None] * W_hh
        J = step @ J
        norms[t] = np.linalg.norm(J, 2)
    return norms
