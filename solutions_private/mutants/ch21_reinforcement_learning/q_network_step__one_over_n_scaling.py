"""The mean-field 1/N scaling instead of the book's 1/√N in the Q-network."""


def q_net(C, W, xi, act="tanh"):
    return _act(xi @ W.T, act) @ C / C.shape[0]


def q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, featurize):
    A = actions.shape[0]
    feats = np.asarray(featurize(np.vstack([x[None, :], np.repeat(x_next[None, :], A, axis=0)]),
                                 np.concatenate([actions[a : a + 1], actions])), dtype=np.float64)
    xi, xi_next = feats[0], feats[1:]
    y = cost + beta * q_net(C, W, xi_next).min()
    N = C.shape[0]
    h = np.tanh(W @ xi)
    delta = y - h @ C / N
    return C + lr * delta * h / N, W + lr * delta * np.outer(C * (1.0 - h**2), xi) / N
