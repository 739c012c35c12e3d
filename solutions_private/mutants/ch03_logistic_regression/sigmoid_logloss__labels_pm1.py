"""Labels assumed to be ±1: ℓ = softplus(-y z), which gives log 2 for every y = 0."""


def logistic_loss(z, y):
    return np.logaddexp(0.0, -y * z)
