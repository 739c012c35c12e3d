"""The visiting order ignored: samples visited as 0, 1, ..., M-1 in every epoch."""

_reference_perceptron = perceptron


def perceptron(X, y, order, max_epochs=1000):
    return _reference_perceptron(X, y, np.arange(len(y)), max_epochs)

