"""Scalar loop over the flattened entries with math.sqrt."""

import math


def rmsprop_step(theta, r, g, lr, rho, delta):
    shape = np.shape(theta)
    t, rr, gg = (np.asarray(a, dtype=np.float64).ravel() for a in (theta, r, g))
    t_new, r_new = np.empty(t.size), np.empty(t.size)
    for i in range(t.size):
        r_new[i] = rho * rr[i] + (1.0 - rho) * gg[i] ** 2
        t_new[i] = t[i] - lr * gg[i] / math.sqrt(delta + r_new[i])
    return t_new.reshape(shape), r_new.reshape(shape)
