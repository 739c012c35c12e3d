"""A fresh copy of θ for every evaluation, indexed by np.ndindex (no flat view); relative_error from sums of squares with math.sqrt."""

import math


def numerical_gradient(f, theta, h=1e-6):
    theta = np.asarray(theta, dtype=np.float64)
    out = np.zeros(theta.shape)
    for idx in np.ndindex(*theta.shape):
        up = theta.copy()
        up[idx] = theta[idx] + h
        down = theta.copy()
        down[idx] = theta[idx] - h
        out[idx] = (f(up) - f(down)) / (2.0 * h)
    return out


def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    num = math.sqrt(float(np.sum((a - b) ** 2)))
    den = math.sqrt(float(np.sum(a * a))) + math.sqrt(float(np.sum(b * b)))
    return num / max(den, 1e-300)
