"""Squared distances from ‖a‖² + ‖b‖² - 2a·b: catastrophic cancellation far from the origin (tiny negative distances, diagonal ≠ 1)."""

_reference_kernel_matrix = kernel_matrix


def kernel_matrix(A, B, kind, bandwidth=1.0, degree=2, c=1.0):
    if kind == "rbf":
        D = np.sum(A**2, axis=1)[:, None] + np.sum(B**2, axis=1)[None, :] - 2.0 * A @ B.T
        return np.exp(-D / (2.0 * bandwidth**2))
    return _reference_kernel_matrix(A, B, kind, bandwidth, degree, c)

