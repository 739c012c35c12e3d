"""Grader for ch04.kernel_ridge: values against the reference; predictions
against primal ridge regression (linear kernel, and the explicit features of
the degree-2 polynomial kernel), solved here; the RKHS norm decreasing in λ;
and, for an ill-conditioned Gaussian Gram matrix, the residual of
(K + MλI)α = y at the level of a backward-stable solver."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import regression


def primal_ridge_predictions(F, y, F_test, lam):
    """min (1/(2M))‖y - Fw‖² + (λ/2)‖w‖² (no intercept), predictions F_test w."""
    M, p = F.shape
    w = np.linalg.solve(F.T @ F / M + lam * np.eye(p), F.T @ y / M)
    return F_test @ w


def fit_predict(student, K, y, lam, Kt):
    alpha = expect.like(student.kernel_ridge_fit(K, y, lam), y)
    return expect.like(student.kernel_ridge_predict(alpha, Kt), np.zeros(Kt.shape[0]))


def residual_check(student, K, y, lam, tol):
    M = len(y)
    alpha = expect.like(student.kernel_ridge_fit(K, y, lam), y)
    A = K + M * lam * np.eye(M)
    res = np.linalg.norm(A @ alpha - y) / (np.linalg.norm(A, 2) * np.linalg.norm(alpha) + np.linalg.norm(y))
    expect.that(
        res <= tol.residual.atol,
        "α must solve (K + MλI) α = y to the accuracy of a stable solver",
        quantity="α",
        detail=f"‖(K + MλI)α - y‖ / (‖K + MλI‖ ‖α‖ + ‖y‖) = {res:.3g}, allowed {tol.residual.atol:g}",
    )


def test_values(student, ref, rng):
    """Gaussian kernel, M = 12, λ = 0.01: α and predictions at 5 test points"""
    X, y = regression(rng, 12, 2)
    T = rng.uniform(-1, 1, (5, 2))
    K = ref.kernel_matrix(X, X, "rbf", bandwidth=0.5)
    Kt = ref.kernel_matrix(T, X, "rbf", bandwidth=0.5)
    alpha = student.kernel_ridge_fit(K, y, 0.01)
    expect.close(alpha, ref.kernel_ridge_fit(K, y, 0.01))
    ra = np.asarray(ref.kernel_ridge_fit(K, y, 0.01))
    expect.close(student.kernel_ridge_predict(ra, Kt), ref.kernel_ridge_predict(ra, Kt))


def test_linear_kernel_is_ridge(student, rng):
    """K = X Xᵀ: predictions equal ridge without intercept, w = (XᵀX/M + λI)⁻¹Xᵀy/M"""
    X, y = regression(rng, 15, 3)
    T = rng.uniform(-1, 1, (6, 3))
    got = fit_predict(student, X @ X.T, y, 0.1, T @ X.T)
    expect.close(got, primal_ridge_predictions(X, y, T, 0.1), names="predictions from your α (kernel_ridge_fit, then kernel_ridge_predict) vs primal ridge regression")


def test_poly_kernel_is_ridge_on_features(student, ref, rng):
    """K = (X Xᵀ + 1)²: predictions equal ridge on the explicit features φ(x)"""
    X, y = regression(rng, 20, 2)
    T = rng.uniform(-1, 1, (4, 2))
    got = fit_predict(student, (X @ X.T + 1.0) ** 2, y, 0.05, (T @ X.T + 1.0) ** 2)
    F, Ft = ref.poly2_features(X, 1.0), ref.poly2_features(T, 1.0)
    expect.close(got, primal_ridge_predictions(F, y, Ft, 0.05), names="predictions from your α (kernel_ridge_fit, then kernel_ridge_predict) vs primal ridge on φ(x)")


def test_norm_decreases(student, ref, rng, tol):
    """‖f‖²_𝓗 = αᵀKα is non-increasing in λ (λ = 1e-3, 1e-2, 0.1, 1), and α solves the system at λ = 0.1"""
    X, y = regression(rng, 10, 1)
    K = ref.kernel_matrix(X, X, "rbf", bandwidth=0.4)
    norms = []
    for out in student.kernel_ridge_fit.many([(K, y, lam) for lam in (1e-3, 1e-2, 0.1, 1.0)]):  # one round trip
        a = expect.like(out, y)
        norms.append(float(a @ K @ a))
    residual_check(student, K, y, 0.1, tol)
    expect.that(np.all(np.diff(norms) <= 1e-12 * norms[0]), "the RKHS norm of the fit must shrink as λ grows", quantity="α", detail=f"αᵀKα for λ = 1e-3, 1e-2, 0.1, 1: {np.array2string(np.array(norms), precision=5)}")


def test_solves_the_system(student, ref, rng, tol):
    """(K + MλI) α = y holds to solver accuracy"""
    X, y = regression(rng, 9, 2)
    residual_check(student, ref.kernel_matrix(X, X, "rbf", bandwidth=1.0), y, 0.02, tol)


def test_ill_conditioned(student, ref, rng, tol):
    """a wide Gaussian kernel (s = 10) and λ = 1e-12, M = 20: cond ≈ 1e12, the residual of (K + MλI)α = y at the level of a backward-stable solver"""
    X, y = regression(rng, 20, 2)
    residual_check(student, ref.kernel_matrix(X, X, "rbf", bandwidth=10.0), y, 1e-12, tol)


@mark.hidden
@mark.weight(2)
@mark.parametrize("M,d,n", [(1, 2, 3), (2, 1, 4), (17, 3, 5)])
def test_hidden_shapes(student, ref, rng, M, d, n):
    """random shapes incl. M = 1 and 2 with n_test ≠ M: primal equivalence and the reference"""
    X, y = regression(rng, M, d)
    T = rng.uniform(-1, 1, (n, d))
    lam = float(10 ** rng.uniform(-3, 0))
    expect.close(fit_predict(student, X @ X.T, y, lam, T @ X.T), primal_ridge_predictions(X, y, T, lam), names="predictions from your α (kernel_ridge_fit, then kernel_ridge_predict) vs primal ridge regression")
    K = ref.kernel_matrix(X, X, "rbf", bandwidth=0.6)
    expect.close(student.kernel_ridge_fit(K, y, lam), ref.kernel_ridge_fit(K, y, lam))


@mark.hidden
@mark.weight(2)
def test_hidden_ill_conditioned(student, ref, rng, tol):
    """a wide Gaussian kernel (s = 10) and λ = 1e-12: cond ≈ 1e12, only the residual is meaningful"""
    X, y = regression(rng, 30, 2)
    residual_check(student, ref.kernel_matrix(X, X, "rbf", bandwidth=10.0), y, 1e-12, tol)
