"""np.vander without increasing=True: columns x^p, ..., x, 1."""


def poly_design(x, degree):
    return np.vander(x, degree + 1).astype(np.float64)
