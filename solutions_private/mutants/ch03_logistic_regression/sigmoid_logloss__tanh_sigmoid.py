"""σ(z) = (1 + tanh(z/2))/2: overflow-free but 1 + tanh(-20) cancels to 0, so σ(-40) = 0 (100% relative error)."""


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))
