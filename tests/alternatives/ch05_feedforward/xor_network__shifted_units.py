"""h_1 = relu(x_1 + x_2 + 1), h_2 = relu(x_1 + x_2 - 1) and m = h_1 - 2 h_2 - 1: a nonzero output bias."""


def xor_network():
    W1 = np.ones((2, 2))
    b1 = np.array([1.0, -1.0])
    W2 = np.array([[1.0], [-2.0]])
    b2 = np.array([-1.0])
    return [W1, W2], [b1, b2]
