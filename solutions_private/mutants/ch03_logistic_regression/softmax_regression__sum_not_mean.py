"""Λ summed over the batch instead of averaged (the gradients keep their 1/M)."""

_reference_softmax = softmax_ce_and_grad


def softmax_ce_and_grad(W, b, X, y):
    loss, dW, db = _reference_softmax(W, b, X, y)
    return loss * X.shape[0], dW, db

