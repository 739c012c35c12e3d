"""The step written as gradient descent on ½(y - Q)² with y a constant: θ - η ∂/∂θ[½(y - Q)²]."""


def q_net(C, W, xi, act="tanh"):
    pre = xi @ W.T
    if act == "sigmoid":
        return (0.5 * np.tanh(0.5 * pre) + 0.5) @ C * len(C) ** -0.5
    return np.tanh(pre) @ C * len(C) ** -0.5


def q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, featurize):
    A = len(actions)
    F = featurize(np.concatenate([x[None], np.broadcast_to(x_next, (A, x_next.size))]), np.r_[actions[a], actions])
    xi, xi_next = F[0], F[1:]
    target = float(cost + beta * q_net(C, W, xi_next).min())  # a number: no gradient flows through it
    h = np.tanh(W @ xi)
    s = 1.0 / np.sqrt(C.size)
    residual = h @ C * s - target  # ∂/∂Q of ½(y - Q)² is Q - y
    dC = residual * h * s
    dW = residual * (C * (1 - h**2) * s)[:, None] * xi[None, :]
    return C - lr * dC, W - lr * dW
