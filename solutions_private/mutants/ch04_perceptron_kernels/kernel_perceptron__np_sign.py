"""Predictions by np.sign(f): 0 instead of -1 wherever f(x) = 0 exactly (the convention is +1 if f > 0, else -1)."""


def kernel_perceptron_predict(alpha, y, K_test_train):
    return np.sign(K_test_train @ (alpha * y)).astype(np.int64)
