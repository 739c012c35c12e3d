"""Grader for ch19.ntk_gram_pd (min_eig_limit_kernel): against the reference; the
branches of the theorem: ReLU positive definite on non-parallel inputs (also n > d),
singular on a repeated point, on x and 2x, and on d + 1 antipodal pairs; the
identity kernel 2XXᵀ singular for n > d and equal to 2σ_min(X)² for n ≤ d."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import unit_rows


def _value(student, X, act):
    got = expect.like(student.min_eig_limit_kernel(X, act), 0.0)
    return float(got)


def _singular(student, tol, X, act, why):
    lam = _value(student, X, act)
    expect.that(
        abs(lam) <= tol.singular["atol"],
        f"λ_min(A(X, X)) must be 0 here (|λ_min| ≤ {tol.singular['atol']:g}): {why}",
        quantity=f"λ_min for act = {act!r}", detail=f"yours {lam:.3g}",
    )


def test_relu_unit_vectors(student, ref, rng):
    """ReLU on 8 random unit vectors in d = 3 (n > d): positive definite, and the reference's value"""
    X = unit_rows(rng, 8, 3)
    want = ref.min_eig_limit_kernel(X, "relu")
    lam = _value(student, X, "relu")
    expect.that(lam > 1e-4, "the ReLU limit kernel is positive definite on non-parallel inputs, even for n > d",
                quantity="λ_min for act = 'relu'", detail=f"yours {lam:.3g}")
    expect.close(lam, want)


def test_identity_rank_deficient(student, rng, tol):
    """identity, n = 6 > d = 3: A = 2XXᵀ has rank ≤ d, so λ_min = 0"""
    _singular(student, tol, rng.standard_normal((6, 3)), "identity", "A = 2 X Xᵀ has rank ≤ d = 3 < n = 6")


def test_identity_full_rank(student, rng):
    """identity, n = 3 ≤ d = 5: λ_min = 2 σ_min(X)² > 0"""
    X = rng.standard_normal((3, 5))
    expect.close(_value(student, X, "identity"), float(2 * np.linalg.svd(X, compute_uv=False)[-1] ** 2),
                 detail="A(x, x') = E[(w·x)(w·x')] + E[c²] x·x' = 2 x·x', so A = 2 X Xᵀ and λ_min = 2 σ_min(X)²")


def test_relu_parallel_inputs(student, rng, tol):
    """ReLU singular cases: a repeated point; x and 2x"""
    X = unit_rows(rng, 4, 3)
    _singular(student, tol, np.vstack([X, X[1:2]]), "relu", "a repeated input gives two equal rows of A")
    _singular(student, tol, np.vstack([X[:2], 2.0 * X[2:3], X[2:3]]), "relu", "x and 2x are parallel: A(·, 2x) = 2 A(·, x)")


def test_relu_antipodal(student, ref, rng, tol):
    """ReLU: one antipodal pair is fine (λ_min > 0), d + 1 = 3 pairs in the plane make A singular"""
    X = unit_rows(rng, 3, 2)
    lam = _value(student, np.vstack([X[:1], -X[:1]]), "relu")
    expect.close(lam, 1.0, detail="A(x, x) = 1, A(x, -x) = 0 for a unit x: the 2 × 2 Gram matrix is the identity")
    _singular(student, tol, np.vstack([X, -X]), "relu",
              "ReLU(z) - ReLU(-z) = z is linear, so Σ_j a_j (row x_j - row -x_j) = 0 when Σ_j a_j x_j = 0")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_relu(student, ref, rng, trial):
    """ReLU on random non-unit, non-parallel inputs (n = 1 once)"""
    d = int(rng.integers(2, 6))
    n = [1, int(rng.integers(2, 6)), int(rng.integers(d + 1, 3 * d + 2))][trial]
    X = unit_rows(rng, n, d) * rng.uniform(0.5, 2.0, (n, 1))
    expect.close(_value(student, X, "relu"), ref.min_eig_limit_kernel(X, "relu"))


@mark.hidden
def test_hidden_identity(student, rng, tol):
    """identity: n > d singular, n ≤ d equal to 2σ_min(X)²"""
    d = int(rng.integers(2, 6))
    _singular(student, tol, rng.standard_normal((d + int(rng.integers(1, 4)), d)), "identity", "rank ≤ d < n")
    X = rng.standard_normal((int(rng.integers(1, d + 1)), d))
    expect.close(_value(student, X, "identity"), float(2 * np.linalg.svd(X, compute_uv=False)[-1] ** 2))


@mark.hidden
def test_hidden_antipodal(student, rng, tol):
    """ReLU: d + 1 antipodal pairs in random dimension are singular"""
    d = int(rng.integers(2, 5))
    X = unit_rows(rng, d + 1, d) * rng.uniform(0.5, 2.0, (d + 1, 1))
    _singular(student, tol, np.vstack([X, -X]), "relu", "d + 1 antipodal pairs")
