"""Cross-entropy of a clipped probability, -y log p - (1-y) log(1-p) with p = clip(σ(z), 1e-15, 1 - 1e-15): finite, but about 34.5 instead of 40 or 800 on the wrong side."""


def logistic_loss(z, y):
    p = np.clip(sigmoid(z), 1e-15, 1.0 - 1e-15)
    return -y * np.log(p) - (1 - y) * np.log(1.0 - p)
