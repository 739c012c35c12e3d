"""Sigmoid written 1/(1 + exp(-z)): right values, but exp(-z) overflows for gates saturated at z < -709."""


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
