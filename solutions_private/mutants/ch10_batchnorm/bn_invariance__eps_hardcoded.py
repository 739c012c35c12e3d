"""ε = 1e-5 hard-coded: the eps argument (0 here) is ignored."""


def bn_linear_layer_grad(X, W, gamma, beta, G, eps=0.0):
    _, cache = batchnorm_forward_train(X @ W, gamma, beta, 1e-5)
    return X.T @ batchnorm_backward(G, cache)[0]
