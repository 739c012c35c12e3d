"""The sign of the step flipped: θ - η (y - Q) ∇Q, which moves Q away from the target."""


def q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, featurize):
    xi, xi_next = _features(featurize, x, a, x_next, actions)
    delta = _target_value(C, W, cost, beta, xi_next) - q_net(C, W, xi[None, :])[0]
    gC, gW = _grad_q(C, W, xi)
    return C - lr * delta * gC, W - lr * delta * gW
