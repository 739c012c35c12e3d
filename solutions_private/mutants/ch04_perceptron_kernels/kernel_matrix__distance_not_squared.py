"""rbf with the distance, not its square: exp(-‖a - b‖ / (2 s²))."""

_reference_kernel_matrix = kernel_matrix


def kernel_matrix(A, B, kind, bandwidth=1.0, degree=2, c=1.0):
    if kind == "rbf":
        return np.exp(-np.sqrt(_sqdist(A, B)) / (2.0 * bandwidth**2))
    return _reference_kernel_matrix(A, B, kind, bandwidth, degree, c)

