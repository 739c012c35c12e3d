"""Backward pass ignores the mask: dropped units still receive gradient."""


def dropout_backward(dOut, mask, p_keep, inverted=False):
    return dOut / p_keep if inverted else dOut.copy()
