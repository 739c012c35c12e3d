"""rbf divided by s² instead of 2s²: exp(-‖a - b‖² / s²)."""

_reference_kernel_matrix = kernel_matrix


def kernel_matrix(A, B, kind, bandwidth=1.0, degree=2, c=1.0):
    if kind == "rbf":
        return np.exp(-_sqdist(A, B) / bandwidth**2)
    return _reference_kernel_matrix(A, B, kind, bandwidth, degree, c)

