"""Prediction forgets the labels: f = Σ_j α_j k(x_j, x) instead of Σ_j α_j y_j k(x_j, x)."""


def kernel_perceptron_predict(alpha, y, K_test_train):
    f = K_test_train @ alpha
    return np.where(f > 0, 1, -1).astype(np.int64)
