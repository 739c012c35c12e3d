"""Predictions +1 where f(x) ≥ 0: the tie f = 0 goes to +1 instead of -1."""


def kernel_perceptron_predict(alpha, y, K_test_train):
    return np.where(K_test_train @ (alpha * y) >= 0, 1, -1).astype(np.int64)
