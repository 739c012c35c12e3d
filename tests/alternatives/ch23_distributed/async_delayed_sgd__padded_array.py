"""A trajectory array padded with τ copies of θ_0 in front (the history), so
step k reads index k of the padded array; the threshold via numpy's sin in
degrees."""

import numpy as np


def delayed_gd(theta0, lam, lr, tau, n_steps):
    padded = np.full(tau + n_steps + 1, float(theta0))
    a = lr * lam
    for k in range(n_steps):
        padded[tau + k + 1] = padded[tau + k] - a * padded[k]
    return padded[tau:].copy()


def max_stable_lr(lam, tau):
    return float(2.0 * np.sin(np.deg2rad(90.0 / (2 * tau + 1))) / lam)
