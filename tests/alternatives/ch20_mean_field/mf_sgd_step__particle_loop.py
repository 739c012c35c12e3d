"""A Python loop over the particles, each updated from the error computed once before the loop."""


def mf_sgd_step(c, W, x, y, alpha, act="tanh", gamma=1.0):
    N = c.shape[0]
    g = sum(c[i] * float(activate(np.array([W[i] @ x]), act)[0][0]) for i in range(N)) / N**gamma
    e = y - g
    c_new, W_new = np.empty_like(c), np.empty_like(W)
    for i in range(N):
        s, ds = activate(np.array([W[i] @ x]), act)
        c_new[i] = c[i] + alpha * N ** (gamma - 2) * e * s[0]
        W_new[i] = W[i] + alpha * N ** (gamma - 2) * e * c[i] * ds[0] * x
    return c_new, W_new
