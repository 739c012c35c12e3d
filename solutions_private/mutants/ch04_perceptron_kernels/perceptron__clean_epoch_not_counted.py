"""epochs_used counts only the epochs with mistakes, not the final mistake-free one."""


def perceptron(X, y, order, max_epochs=1000):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    w = np.zeros(d + 1)
    alpha = np.zeros(M, dtype=np.int64)
    for epoch in range(1, max_epochs + 1):
        clean = True
        for m in order:
            if y[m] * (w @ Xt[m]) <= 0:
                w = w + y[m] * Xt[m]
                alpha[m] += 1
                clean = False
        if clean:
            return w, alpha, epoch - 1
    return w, alpha, max_epochs
