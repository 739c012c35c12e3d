"""∂Λ/∂W assembled as (∂Λ/∂Z)ᵀ X: the shape of torch's weight (d_out, d_in), not of W."""


def bn_linear_layer_grad(X, W, gamma, beta, G, eps=0.0):
    _, cache = batchnorm_forward_train(X @ W, gamma, beta, eps)
    return batchnorm_backward(G, cache)[0].T @ X
