"""The polynomial kernel without its offset: (a·b)^p instead of (a·b + c)^p."""

_reference_kernel_matrix = kernel_matrix


def kernel_matrix(A, B, kind, bandwidth=1.0, degree=2, c=1.0):
    if kind == "poly":
        return (A @ B.T) ** degree
    return _reference_kernel_matrix(A, B, kind, bandwidth, degree, c)

