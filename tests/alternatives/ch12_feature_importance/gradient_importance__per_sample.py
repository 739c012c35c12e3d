"""One sample at a time with column vectors, the δ recursion from the output unit, absolute values averaged by hand."""


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    M, d0 = X.shape
    total = np.zeros(d0)
    for m in range(M):
        h = X[m]
        slopes = []
        for W, b in zip(Ws[:-1], bs[:-1]):
            h, s = activate(W.T @ h + b, activation)
            slopes.append(s)
        delta = np.zeros(Ws[-1].shape[1])
        delta[output_index] = 1.0
        for W, s in zip(reversed(Ws[1:]), reversed(slopes)):
            delta = (W @ delta) * s
        total += np.abs(Ws[0] @ delta)
    S = total / M
    return S / np.sum(S) if normalize else S
