"""Softmax over the wrong axis: each ROW of A (a key over all queries) sums to 1."""


def self_attention(X, W_Q, W_K, W_V, causal=False):
    Q, K, V = W_Q @ X, W_K @ X, W_V @ X
    S = (K.T @ Q) / np.sqrt(W_K.shape[0])
    if causal:
        S = np.where(np.tri(X.shape[1], k=-1, dtype=bool), -np.inf, S)
    S = S - S.max(axis=1, keepdims=True)
    A = np.exp(S)
    A /= A.sum(axis=1, keepdims=True)
    return V @ A
