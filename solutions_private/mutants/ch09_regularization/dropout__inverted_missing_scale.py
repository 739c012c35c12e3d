"""Inverted dropout without the 1/p in training: H = R ⊙ A."""


def dropout_forward(A, mask, p_keep, mode, inverted=False):
    if mode == "train":
        return A * mask
    return A.copy() if inverted else p_keep * A
