"""Entry by entry with the math module (math.acos of min(max(cos, -1), 1)), zero rows handled by a branch."""

import math


def limit_ntk_relu(X1, X2):
    out = np.zeros((X1.shape[0], X2.shape[0]))
    for a, x in enumerate(X1):
        for b, xp in enumerate(X2):
            nx, nxp = math.sqrt(float(x @ x)), math.sqrt(float(xp @ xp))
            if nx == 0.0 or nxp == 0.0:
                continue
            dot = float(x @ xp)
            phi = math.acos(min(max(dot / (nx * nxp), -1.0), 1.0))
            out[a, b] = nx * nxp * (math.sin(phi) + (math.pi - phi) * math.cos(phi)) / (2 * math.pi) + (math.pi - phi) * dot / (2 * math.pi)
    return out
