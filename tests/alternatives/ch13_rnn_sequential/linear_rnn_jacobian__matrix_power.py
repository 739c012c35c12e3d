"""Linear case from np.linalg.matrix_power, tanh case from the explicit product of diag(1 - h_s²) W matrices; norms by SVD."""


def hidden_jacobian_norms(W_hh, H, T):
    d = W_hh.shape[0]
    out = np.empty(T)
    P = np.eye(d)
    for t in range(1, T + 1):
        if H is None:
            P = np.linalg.matrix_power(W_hh, t)
        else:
            P = np.diag(1.0 - H[t - 1] ** 2) @ W_hh @ P
        out[t - 1] = np.linalg.svd(P, compute_uv=False)[0]
    return out
