"""Any activation name other than "relu" silently treated as tanh (no ValueError)."""


def _features(x, w, b, act):
    z = np.outer(np.asarray(x, dtype=np.float64), w) + b
    s = np.maximum(z, 0.0) if act == "relu" else np.tanh(z)
    return s / len(w)
