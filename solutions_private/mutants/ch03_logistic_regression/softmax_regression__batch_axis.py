"""Softmax over the batch axis (axis=0): each class column sums to 1 instead of each sample's row."""


def softmax_ce_and_grad(W, b, X, y):
    M = X.shape[0]
    Z = X @ W.T + b
    Z = Z - Z.max(axis=0, keepdims=True)
    P = np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)
    rows = np.arange(M)
    loss = float(-np.mean(np.log(P[rows, y])))
    G = P.copy()
    G[rows, y] -= 1.0
    return loss, G.T @ X / M, G.mean(axis=0)
