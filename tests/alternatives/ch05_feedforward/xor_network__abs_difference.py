"""XOR as |x_1 - x_2| = relu(x_1 - x_2) + relu(x_2 - x_1): no biases at all."""


def xor_network():
    W1 = np.array([[1.0, -1.0], [-1.0, 1.0]])
    W2 = np.array([[1.0], [1.0]])
    return [W1, W2], [np.zeros(2), np.zeros(1)]
