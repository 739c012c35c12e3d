"""Backward pass of inverted dropout without the 1/p: ∂Λ/∂A = R ⊙ dOut."""


def dropout_backward(dOut, mask, p_keep, inverted=False):
    return dOut * mask
