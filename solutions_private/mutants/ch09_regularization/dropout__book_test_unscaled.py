"""Book convention with no test-time scaling: H_test = A instead of p A."""


def dropout_forward(A, mask, p_keep, mode, inverted=False):
    if mode == "train":
        return A * mask / p_keep if inverted else A * mask
    return A.copy()
