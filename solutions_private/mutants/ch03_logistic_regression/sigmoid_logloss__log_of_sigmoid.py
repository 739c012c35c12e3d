"""The loss as -y log σ(z) - (1-y) log(1-σ(z)): 1 - σ(40) rounds to 0, so log gives -inf (Fig. 3.5's limit lost)."""


def logistic_loss(z, y):
    s = sigmoid(z)
    return -y * np.log(s) - (1 - y) * np.log(1.0 - s)
