"""Prediction with the transposed test kernel, K_test_trainᵀ (α ⊙ y): wrong (or a shape error) when n_test ≠ M."""


def kernel_perceptron_predict(alpha, y, K_test_train):
    f = K_test_train.T @ (alpha * y)
    return np.where(f > 0, 1, -1).astype(np.int64)
