"""Grader for ch04.poly_feature_map: the features against the reference (the
stated order), the kernel identity φ(A)φ(B)ᵀ = (ABᵀ + c)² (any order), and the
number of features (d+1)(d+2)/2."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def identity(student, A, B, c, tol):
    d = A.shape[1]
    D = (d + 1) * (d + 2) // 2
    FA = expect.like(student.poly2_features(A, c), np.zeros((A.shape[0], D)))
    FB = expect.like(student.poly2_features(B, c), np.zeros((B.shape[0], D)))
    expect.close(FA @ FB.T, (A @ B.T + c) ** 2, tol.identity, names="φ(A) φ(B)ᵀ vs (A Bᵀ + c)²")


def test_values(student, ref, rng):
    """three points in ℝ³, c = 1.5: the features in the stated order"""
    X = rng.standard_normal((3, 3))
    expect.close(student.poly2_features(X, 1.5), ref.poly2_features(X, 1.5))


def test_kernel_identity(student, rng, tol):
    """φ(a)·φ(b) = (a·b + c)² for A (4, 3), B (5, 3), c = 0.7"""
    identity(student, rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), 0.7, tol)


def test_one_dimension(student, rng):
    """d = 1: φ(x) = (x², √(2c) x, c), three features"""
    x = rng.standard_normal((4, 1))
    c = 2.0
    expect.close(student.poly2_features(x, c), np.column_stack([x[:, 0] ** 2, 2.0 * x[:, 0], np.full(4, c)]))


def test_homogeneous(student, rng, tol):
    """c = 0: the kernel (a·b)²; the linear and constant features are there but zero"""
    identity(student, rng.standard_normal((3, 4)), rng.standard_normal((2, 4)), 0.0, tol)


@mark.hidden
@mark.weight(2)
@mark.parametrize("n,d", [(1, 2), (2, 5), (9, 7), (6, 1)])
def test_hidden(student, ref, rng, tol, n, d):
    """random sizes and c"""
    X = rng.standard_normal((n, d))
    c = float(rng.uniform(0, 3))
    expect.close(student.poly2_features(X, c), ref.poly2_features(X, c))
    identity(student, X, rng.standard_normal((3, d)), c, tol)
