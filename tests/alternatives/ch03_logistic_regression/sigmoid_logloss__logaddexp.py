"""σ(z) = exp(min(z, 0) - log(1 + e^{-|z|})), i.e. exp(-softplus(-z)) through np.logaddexp; the loss as np.logaddexp(0, z) - y z."""


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def logistic_loss(z, y):
    z = np.asarray(z, dtype=np.float64)
    return np.logaddexp(0.0, z) - y * z
