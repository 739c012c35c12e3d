"""Off by one in the degree: only `degree` columns (1, x, ..., x^(p-1))."""


def poly_design(x, degree):
    return np.vander(x, degree, increasing=True).astype(np.float64)
