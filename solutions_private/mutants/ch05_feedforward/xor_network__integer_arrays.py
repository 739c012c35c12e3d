"""Integer arrays: np.array([[1, 1], [1, 1]]) has dtype int64, not float64."""


def xor_network():
    return [np.array([[1, 1], [1, 1]]), np.array([[1], [-2]])], [np.array([0, -1]), np.array([0])]
