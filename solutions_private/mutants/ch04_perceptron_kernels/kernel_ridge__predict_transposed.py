"""Predictions with the transposed test kernel: K_test_trainᵀ α (shape error, or wrong values when n_test = M)."""


def kernel_ridge_predict(alpha, K_test_train):
    return K_test_train.T @ alpha
