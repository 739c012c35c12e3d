"""w and b kept apart (no augmented points), updated in place on private copies; the epoch loop is a while loop."""


def perceptron(X, y, order, max_epochs=1000):
    M, d = X.shape
    w = np.zeros(d)
    b = 0.0
    alpha = np.zeros(M, dtype=np.int64)
    epoch, done = 0, False
    while epoch < max_epochs and not done:
        epoch += 1
        done = True
        for m in order:
            s = int(y[m])
            if s * (X[m] @ w + b) <= 0:
                w += s * X[m]
                b += s
                alpha[m] += 1
                done = False
    return np.append(w, b), alpha, epoch
