"""No bias coordinate: x is not augmented, so b stays 0 and the hyperplane must pass through the origin."""


def perceptron(X, y, order, max_epochs=1000):
    M, d = X.shape
    w = np.zeros(d)
    alpha = np.zeros(M, dtype=np.int64)
    epoch = max_epochs
    for e in range(1, max_epochs + 1):
        clean = True
        for m in order:
            if y[m] * (w @ X[m]) <= 0:
                w = w + y[m] * X[m]
                alpha[m] += 1
                clean = False
        if clean:
            epoch = e
            break
    return np.append(w, 0.0), alpha, epoch
