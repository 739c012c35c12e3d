"""Differentiating through the target (the residual gradient): θ += η (y - Q(ξ)) (∇Q(ξ) - β ∇Q(ξ'_{a*}))."""


def q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, featurize):
    xi, xi_next = _features(featurize, x, a, x_next, actions)
    star = int(np.argmin(q_net(C, W, xi_next)))
    delta = _target_value(C, W, cost, beta, xi_next) - q_net(C, W, xi[None, :])[0]
    (gC, gW), (gC2, gW2) = _grad_q(C, W, xi), _grad_q(C, W, xi_next[star])
    return C + lr * delta * (gC - beta * gC2), W + lr * delta * (gW - beta * gW2)
