"""Keeps the decision values f(x_j) for every training point up to date (f += y_m K[:, m] at a mistake) instead of recomputing them; predictions by a Python loop."""


def kernel_perceptron(K, y, order, max_epochs=1000):
    M = K.shape[0]
    alpha = np.zeros(M, dtype=np.int64)
    f = np.zeros(M)
    for _ in range(max_epochs):
        mistakes = 0
        for m in order:
            if y[m] * f[m] <= 0:
                alpha[m] += 1
                f = f + y[m] * K[:, m]
                mistakes += 1
        if mistakes == 0:
            break
    return alpha


def kernel_perceptron_predict(alpha, y, K_test_train):
    coef = alpha * y
    out = np.empty(K_test_train.shape[0], dtype=np.int64)
    for t, row in enumerate(K_test_train):
        out[t] = 1 if float(row @ coef) > 0 else -1
    return out
