"""Weights designed for a sigmoid output unit (σ(20 h_1 - 40 h_2 - 10) ≈ XOR): not exact with a linear output."""


def xor_network():
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    return [W1, np.array([[20.0], [-40.0]])], [np.array([0.0, -1.0]), np.array([-10.0])]
