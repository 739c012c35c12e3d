"""softplus(z) = np.log(1 + np.exp(z)) as written: inf at z = 800 and 0 instead of e^z for z ≪ 0."""


def logistic_loss(z, y):
    return np.log(1.0 + np.exp(z)) - y * z
