"""A Python loop over the flattened entries (any shape), scalar arithmetic, reshaped at the end."""


def momentum_step(theta, v, g, lr, mu, nesterov=False):
    t, vv, gg = (np.asarray(a, dtype=np.float64).ravel() for a in (theta, v, g))
    t_new, v_new = np.empty_like(t), np.empty_like(t)
    for i in range(t.size):
        v_new[i] = mu * vv[i] + gg[i]
        t_new[i] = t[i] - lr * ((gg[i] + mu * v_new[i]) if nesterov else v_new[i])
    shape = np.shape(theta)
    return t_new.reshape(shape), v_new.reshape(shape)
