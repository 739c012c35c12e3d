"""∂Λ/∂W returned transposed, Xᵀ(P - E_y)/M of shape (d, K) (the shape of W¹ in layer notation, not of W)."""

_reference_softmax = softmax_ce_and_grad


def softmax_ce_and_grad(W, b, X, y):
    loss, dW, db = _reference_softmax(W, b, X, y)
    return loss, dW.T, db

