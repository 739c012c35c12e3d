"""Every α updated on each pass: mistakes found with the α of the epoch's start, then all incremented at once."""


def kernel_perceptron(K, y, order, max_epochs=1000):
    alpha = np.zeros(K.shape[0], dtype=np.int64)
    for _ in range(max_epochs):
        f = (alpha * y) @ K
        wrong = (y * f <= 0).astype(np.int64)
        if not wrong.any():
            break
        alpha = alpha + wrong
    return alpha
