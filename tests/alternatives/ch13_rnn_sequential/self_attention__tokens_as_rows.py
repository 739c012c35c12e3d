"""Everything in the row layout (tokens as rows, Xᵀ): the softmax over the keys runs along the LAST axis of Sᵀ."""


def self_attention(X, W_Q, W_K, W_V, causal=False):
    Xr = X.T  # (n, d)
    Q, K, V = Xr @ W_Q.T, Xr @ W_K.T, Xr @ W_V.T
    S = Q @ K.T / np.sqrt(W_K.shape[0])  # S[j, i]: query j, key i
    n = X.shape[1]
    if causal:
        S = np.where(np.triu(np.ones((n, n), dtype=bool), k=1), -np.inf, S)
    S = S - S.max(axis=1, keepdims=True)
    E = np.exp(S)
    A = E / E.sum(axis=1, keepdims=True)
    return (A @ V).T
