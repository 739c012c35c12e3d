"""Differentiating through the target (the residual gradient): θ += η (y - Q(ξ)) (∇Q(ξ) - β ∇Q(ξ'_{a*}))."""


def q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, featurize):
    A = actions.shape[0]
    feats = np.asarray(featurize(np.vstack([x[None, :], np.repeat(x_next[None, :], A, axis=0)]),
                                 np.concatenate([actions[a : a + 1], actions])), dtype=np.float64)
    xi, xi_next = feats[0], feats[1:]
    N = C.shape[0]
    q_next = q_net(C, W, xi_next)
    star = int(np.argmin(q_next))
    y = cost + beta * q_next[star]

    def grads(f):
        h = np.tanh(W @ f)
        return h / np.sqrt(N), np.outer(C * (1.0 - h**2), f) / np.sqrt(N)

    gC, gW = grads(xi)
    gC2, gW2 = grads(xi_next[star])
    delta = y - q_net(C, W, xi[None, :])[0]
    return C + lr * delta * (gC - beta * gC2), W + lr * delta * (gW - beta * gW2)
