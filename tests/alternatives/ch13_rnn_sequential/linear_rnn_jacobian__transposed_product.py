"""The transposed product (∂h_t/∂h_0)ᵀ = J_1ᵀ ⋯ J_tᵀ grown on the right: the same singular values, so the same spectral norm."""


def hidden_jacobian_norms(W_hh, H, T):
    Pt = np.eye(W_hh.shape[0])
    out = np.empty(T)
    for s in range(T):
        Js_T = W_hh.T if H is None else W_hh.T * (1.0 - H[s] ** 2)[None, :]
        Pt = Pt @ Js_T
        out[s] = np.linalg.norm(Pt, 2)
    return out
