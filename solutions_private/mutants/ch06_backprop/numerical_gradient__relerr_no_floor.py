"""relative_error without the floor: 0/0 = NaN for two zero arrays."""


def relative_error(a, b):
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))
