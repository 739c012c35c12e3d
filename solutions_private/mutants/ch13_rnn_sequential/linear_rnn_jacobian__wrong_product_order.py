"""Jacobians multiplied in the wrong order: P ← P J_s, giving J_1 J_2 ⋯ J_t."""


def hidden_jacobian_norms(W_hh, H, T):
    J = np.eye(W_hh.shape[0])
    norms = np.empty(T)
    for t in range(T):
        step = W_hh if H is None else (1.0 - H[t] ** 2)[:, None] * W_hh
        J = J @ step
        norms[t] = np.linalg.norm(J, 2)
    return norms
