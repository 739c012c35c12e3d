"""Softmax without subtracting the maximum: exp overflows for scores near +800 (inf/inf = NaN)."""


def self_attention(X, W_Q, W_K, W_V, causal=False):
    Q, K, V = W_Q @ X, W_K @ X, W_V @ X
    S = (K.T @ Q) / np.sqrt(W_K.shape[0])
    if causal:
        S = np.where(np.tri(X.shape[1], k=-1, dtype=bool), -np.inf, S)
    A = np.exp(S)
    A /= A.sum(axis=0, keepdims=True)
    return V @ A
