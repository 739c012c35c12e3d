"""Jumps placed at the grid points k/K instead of the midpoints (k - ½)/K."""


def sigmoid_staircase(f, K, lam, x):
    fv = f(np.arange(K + 1) / K)
    return fv[0] + _sigmoid(lam * (x[:, None] - np.arange(1, K + 1)[None, :] / K)) @ np.diff(fv)
