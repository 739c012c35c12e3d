"""The largest eigenvalue (eigvalsh sorts in ascending order; [-1] is λ_max)."""

_reference_min_eig = min_eig_limit_kernel


def min_eig_limit_kernel(X, act):
    A = limit_ntk_relu(X, X) if act == "relu" else 2.0 * (X @ X.T)
    return float(np.linalg.eigvalsh(A)[-1])
