"""Dropout applied in test mode too: the mode argument is ignored."""


def dropout_forward(A, mask, p_keep, mode, inverted=False):
    return A * mask / p_keep if inverted else A * mask
