"""All d occluded copies stacked into one call of predict next to the original data."""


def occlusion_importance(predict, X, y):
    M, d = X.shape
    means = X.mean(axis=0)
    copies = np.repeat(X[None], d + 1, axis=0)
    for i in range(d):
        copies[i + 1, :, i] = means[i]
    pred = np.asarray(predict(copies.reshape(-1, d))).reshape(d + 1, M)
    losses = np.sum((y - pred) ** 2, axis=1) / (2 * M)
    return losses[1:] - losses[0]
