"""A mistake taken as prediction ≠ label with prediction = +1 if w̃·x̃ > 0 else -1: ties (w̃·x̃ = 0, e.g. w̃ = 0) of samples with y = -1 are not counted."""


def perceptron(X, y, order, max_epochs=1000):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    w = np.zeros(d + 1)
    alpha = np.zeros(M, dtype=np.int64)
    for epoch in range(1, max_epochs + 1):
        clean = True
        for m in order:
            prediction = 1 if w @ Xt[m] > 0 else -1
            if prediction != y[m]:
                w = w + y[m] * Xt[m]
                alpha[m] += 1
                clean = False
        if clean:
            return w, alpha, epoch
    return w, alpha, max_epochs
