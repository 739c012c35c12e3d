"""The box bound C = 1/λ instead of 1/(λM): the dual of a SUM of hinge losses, not of the book's mean."""

_svm_dual_fit_ref = svm_dual_fit


def svm_dual_fit(K, y, lam, tol=1e-10, max_iter=100000):
    return _svm_dual_fit_ref(K, y, lam / len(y), tol, max_iter)
