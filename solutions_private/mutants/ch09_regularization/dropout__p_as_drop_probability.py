"""p read as the DROP probability: scaling by 1 - p at test time (book) and 1/(1 - p) in training (inverted)."""


def dropout_forward(A, mask, p_keep, mode, inverted=False):
    q = 1.0 - p_keep
    if mode == "train":
        return A * mask / q if inverted else A * mask
    return A.copy() if inverted else q * A


def dropout_backward(dOut, mask, p_keep, inverted=False):
    q = 1.0 - p_keep
    return dOut * mask / q if inverted else dOut * mask
