"""No max-subtraction: np.exp of logits of size 1000 overflows to inf, giving nan."""


def softmax_ce_and_grad(W, b, X, y):
    M = X.shape[0]
    E = np.exp(X @ W.T + b)
    P = E / E.sum(axis=1, keepdims=True)
    rows = np.arange(M)
    loss = float(-np.mean(np.log(P[rows, y])))
    G = P.copy()
    G[rows, y] -= 1.0
    return loss, G.T @ X / M, G.mean(axis=0)
