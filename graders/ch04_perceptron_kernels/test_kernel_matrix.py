"""Grader for ch04.kernel_matrix: values against the reference and against
plain inner products; symmetry, positive semi-definiteness and the unit
diagonal of K(A, A); accuracy for points far from the origin."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def test_rbf_values(student, ref, rng):
    """Gaussian kernel, A (4, 3), B (5, 3), s = 0.8"""
    A, B = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    expect.close(student.kernel_matrix(A, B, "rbf", bandwidth=0.8), ref.kernel_matrix(A, B, "rbf", bandwidth=0.8))


def test_poly_values(student, rng):
    """polynomial kernel (a·b + c)^p with p = 3, c = 0.5, against the inner products A Bᵀ"""
    A, B = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    expect.close(student.kernel_matrix(A, B, "poly", degree=3, c=0.5), (A @ B.T + 0.5) ** 3)


def rbf(A, B, s):
    """exp(-‖a - b‖²/(2s²)) from direct differences, one pair at a time."""
    return np.array([[np.exp(-np.sum((a - b) ** 2) / (2.0 * s * s)) for b in B] for a in A]).reshape(len(A), len(B))


def test_linear_and_defaults(student, rng):
    """linear kernel a·b, the default poly (p = 2, c = 1), the default rbf (s = 1), and the homogeneous poly c = 0"""
    A, B = rng.standard_normal((2, 4)), rng.standard_normal((3, 4))
    expect.close(student.kernel_matrix(A, B, "linear"), A @ B.T)
    expect.close(student.kernel_matrix(A, B, "poly"), (A @ B.T + 1.0) ** 2, names="kernel_matrix(A, B, 'poly') with the defaults p = 2, c = 1")
    expect.close(student.kernel_matrix(A, B, "rbf"), rbf(A, B, 1.0), names="kernel_matrix(A, B, 'rbf') with the default s = 1")
    p = int(rng.integers(1, 4))
    expect.close(student.kernel_matrix(A, B, "poly", degree=p, c=0.0), (A @ B.T) ** p, names=f"kernel_matrix(A, B, 'poly', degree={p}, c=0) = (a·b)^{p}")


def test_gram_properties(student, rng, tol):
    """K(A, A) for rbf: symmetric, unit diagonal, eigenvalues ≥ -1e-10 n"""
    A = rng.standard_normal((8, 2))
    K = expect.like(student.kernel_matrix(A, A, "rbf", bandwidth=1.3), np.zeros((8, 8)))
    expect.close(K, rbf(A, A, 1.3), names="k(a_i, a_j) = exp(-‖a_i - a_j‖²/(2s²)), s = 1.3")
    expect.close(K, K.T.copy(), expect.Tol(0.0, 1e-15), names="K vs Kᵀ (symmetry)")
    expect.close(np.diag(K).copy(), np.ones(8), names="diagonal of the rbf Gram matrix (k(a, a) = 1)")
    lam_min = float(np.linalg.eigvalsh(K).min())
    expect.that(lam_min >= -tol.psd.atol * 8, "a Gram matrix is positive semi-definite", quantity="kernel matrix k(A, A)", detail=f"smallest eigenvalue {lam_min:.3g}")


def test_far_from_origin(student, ref, rng):
    """points near (1000, 1000): ‖a‖² + ‖b‖² - 2a·b cancels catastrophically, direct differences do not"""
    A = 1000.0 + rng.standard_normal((5, 2))
    K = expect.like(student.kernel_matrix(A, A, "rbf", bandwidth=1.0), np.zeros((5, 5)))
    expect.close(np.diag(K).copy(), np.ones(5), names="diagonal k(a, a) = exp(0) = 1 (points near (1000, 1000))")
    expect.close(K, ref.kernel_matrix(A, A, "rbf", bandwidth=1.0))


@mark.hidden
@mark.weight(2)
@mark.parametrize("n,m,d", [(1, 1, 3), (2, 5, 1), (7, 3, 6), (20, 11, 2)])
def test_hidden_shapes(student, ref, rng, n, m, d):
    """random shapes and parameters, all three kinds"""
    A, B = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    s = float(rng.uniform(0.3, 3.0))
    p = int(rng.integers(1, 5))
    c = float(rng.uniform(0, 2)) if n > 1 else 0.0
    expect.close(student.kernel_matrix(A, B, "rbf", bandwidth=s), ref.kernel_matrix(A, B, "rbf", bandwidth=s))
    expect.close(student.kernel_matrix(A, B, "poly", degree=p, c=c), ref.kernel_matrix(A, B, "poly", degree=p, c=c))
    expect.close(student.kernel_matrix(A, B, "linear"), ref.kernel_matrix(A, B, "linear"))


@mark.hidden
def test_hidden_far_gram(student, ref, rng):
    """a Gram matrix of points far from the origin: unit diagonal and exact values"""
    A = rng.uniform(-3000, 3000, 3) + rng.standard_normal((9, 3))
    K = student.kernel_matrix(A, A, "rbf", bandwidth=0.7)
    expect.close(K, ref.kernel_matrix(A, A, "rbf", bandwidth=0.7))
