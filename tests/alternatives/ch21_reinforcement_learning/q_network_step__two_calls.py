"""Two featurize calls (one for ξ, one for the next state), gradients by loops over the neurons."""


def q_net(C, W, xi, act="tanh"):
    Z = np.einsum("np,kp->kn", W, xi)
    S = np.tanh(Z) if act == "tanh" else 1.0 / (1.0 + np.exp(-Z))
    return S @ C / np.sqrt(len(C))


def q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, featurize):
    xi = np.asarray(featurize(x.reshape(1, -1), np.array([actions[a]])))[0]
    nxt = np.asarray(featurize(np.tile(x_next, (len(actions), 1)), actions.copy()))
    y = cost + beta * np.min(q_net(C, W, nxt))
    N = len(C)
    q = q_net(C, W, xi.reshape(1, -1))[0]
    C_new, W_new = C.copy(), W.copy()
    for n in range(N):
        s = np.tanh(W[n] @ xi)
        C_new[n] = C[n] + lr * (y - q) * s / np.sqrt(N)
        W_new[n] = W[n] + lr * (y - q) * C[n] * (1 - s * s) * xi / np.sqrt(N)
    return C_new, W_new
