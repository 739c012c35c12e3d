"""The delayed value from a deque of the last τ + 1 iterates (filled with θ_0),
and the threshold from the equivalent closed form 2 cos(τπ/(2τ + 1))/λ."""

import math
from collections import deque

import numpy as np


def delayed_gd(theta0, lam, lr, tau, n_steps):
    history = deque([float(theta0)] * (tau + 1), maxlen=tau + 1)  # history[0] = θ_{k-τ}
    out = [float(theta0)]
    for _ in range(n_steps):
        new = out[-1] - lr * lam * history[0]
        history.append(new)
        out.append(new)
    return np.array(out, dtype=np.float64)


def max_stable_lr(lam, tau):
    return 2.0 * math.cos(tau * math.pi / (2 * tau + 1)) / lam
