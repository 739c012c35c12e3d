"""Labels treated as {0, 1}: the prediction 1[w̃·x̃ > 0] is compared with y, so every y = -1 is always a 'mistake'."""


def perceptron(X, y, order, max_epochs=1000):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    w = np.zeros(d + 1)
    alpha = np.zeros(M, dtype=np.int64)
    for epoch in range(1, max_epochs + 1):
        clean = True
        for m in order:
            pred = 1 if w @ Xt[m] > 0 else 0
            if pred != y[m]:
                w = w + y[m] * Xt[m]
                alpha[m] += 1
                clean = False
        if clean:
            return w, alpha, epoch
    return w, alpha, max_epochs
