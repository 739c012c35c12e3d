"""Grader for ch17.smoothness_constants.

Values against the reference (singular values of X); the Hessian sandwich
μ I ⪯ ∇²Λ(θ) ⪯ L I with the student's constants, the Hessians written here in
closed form (XᵀX/M for least squares, (1/M)XᵀDX + λI for logistic regression)
at random θ, with L attained (tight) at θ = 0.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import orthogonal


def logistic_hessian(X, y, theta, lam):
    """(1/M) Xᵀ diag(σ(z)(1-σ(z))) X + λI, z_m = y_m x_mᵀθ"""
    z = y * (X @ theta)
    with np.errstate(over="ignore"):
        curvature = 0.25 / np.cosh(z / 2) ** 2  # σ(z)(1 - σ(z)) without cancellation
    return (X.T * curvature) @ X / X.shape[0] + lam * np.eye(X.shape[1])


def _constants(got):
    L, mu = expect.like(got, (0.0, 0.0))
    return float(L), float(mu)


def _sandwich(L, mu, hessians, tol, what, tight_at=None):
    rel = tol.sandwich["rel"]
    eig = np.array([np.linalg.eigvalsh(H)[[0, -1]] for H in hessians])
    lo, hi = eig[:, 0].min(), eig[:, 1].max()
    expect.that(
        mu <= lo + rel * L and hi <= L * (1 + rel) and mu >= -rel * L,
        "μ I ⪯ ∇²Λ(θ) ⪯ L I at every θ (0 ≤ μ ≤ L)",
        quantity=f"(L, μ) of {what}",
        detail=f"your (L, μ) = ({L:.8g}, {mu:.8g}); the Hessians' eigenvalues range over [{lo:.8g}, {hi:.8g}]",
    )
    if tight_at is not None:
        top = np.linalg.eigvalsh(tight_at)[-1]
        expect.that(
            abs(L - top) <= rel * L,
            "L is the smallest valid constant: it equals the largest Hessian eigenvalue where that is largest",
            quantity=f"L of {what}",
            detail=f"your L = {L:.10g}, the largest eigenvalue there is {top:.10g}",
        )


def test_ls_small(student, ref, rng):
    """X of shape (6, 3)"""
    X = rng.standard_normal((6, 3))
    expect.close(student.ls_constants(X), ref.ls_constants(X))


def test_ls_rank_deficient(student, rng, tol):
    """M = 3 < d = 5: μ = 0 exactly (up to 1e-12 L), L = λ_max(XᵀX/M)"""
    X = rng.standard_normal((3, 5))
    L, mu = _constants(student.ls_constants(X))
    H = X.T @ X / 3
    expect.close((L, mu), (float(np.linalg.eigvalsh(H)[-1]), 0.0), expect.Tol(1e-10, 1e-12 * L), names=["L", "μ (X has rank 3 < d = 5)"])


def test_ls_sandwich(student, rng, tol):
    """X (20, 4) with singular values 10, 3, 1, 0.5 and M = 20: L = 5, μ = 0.0125, tight"""
    X = (orthogonal(rng, 20, 4) * np.array([10.0, 3.0, 1.0, 0.5])) @ orthogonal(rng, 4).T
    L, mu = _constants(student.ls_constants(X))
    _sandwich(L, mu, [X.T @ X / 20], tol, "least squares", tight_at=X.T @ X / 20)
    expect.close((L, mu), (5.0, 0.0125), names=["L = σ_max²/M", "μ = σ_min²/M"])


def test_logistic_small(student, ref, rng):
    """X of shape (7, 3), λ = 0.1"""
    X = rng.standard_normal((7, 3))
    expect.close(student.logistic_constants(X, 0.1), ref.logistic_constants(X, 0.1))


def test_logistic_sandwich(student, rng, tol):
    """[theory] Hessians at θ = 0 and 50 random θ lie between μ I and L I; L is attained at θ = 0"""
    M, d, lam = 30, 4, 0.05
    X = rng.standard_normal((M, d)) * np.array([3.0, 1.0, 0.5, 0.2])
    y = rng.choice([-1.0, 1.0], M)
    L, mu = _constants(student.logistic_constants(X, lam))
    thetas = [np.zeros(d)] + [rng.standard_normal(d) * s for s in np.geomspace(0.01, 20, 50)]
    _sandwich(L, mu, [logistic_hessian(X, y, t, lam) for t in thetas], tol, "ℓ2-regularised logistic regression", tight_at=logistic_hessian(X, y, np.zeros(d), lam))
    far = np.linalg.eigvalsh(logistic_hessian(X, y, 1e3 * rng.standard_normal(d), lam))[0]
    expect.that(
        abs(mu - lam) <= 1e-12 + 1e-10 * lam and far - lam < 1e-3,
        "μ = λ is the best lower bound: far from 0 the data term's curvature vanishes",
        quantity="μ of logistic regression",
        detail=f"your μ = {mu:.8g}, λ = {lam}; at a far θ the smallest Hessian eigenvalue is {far:.8g}",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_ls(student, ref, rng, tol, trial):
    """M = 1, M = 2, M < d, M > d with a duplicated column (rank-deficient), random scales"""
    M, d = [(1, 3), (2, 2), (int(rng.integers(2, 5)), int(rng.integers(5, 9))), (int(rng.integers(8, 30)), int(rng.integers(2, 6)))][trial]
    X = 10 ** rng.uniform(-2, 2) * rng.standard_normal((M, d))
    if trial == 3:
        X[:, -1] = X[:, 0]
    got = student.ls_constants(X)
    want = ref.ls_constants(X)
    expect.close(got, want, expect.Tol(1e-10, 1e-12 * want[0]))
    L, mu = _constants(got)
    _sandwich(L, mu, [X.T @ X / M], tol, f"least squares with X of shape ({M}, {d})", tight_at=X.T @ X / M)


@mark.hidden
@mark.parametrize("trial", range(2))
def test_hidden_logistic(student, ref, rng, tol, trial):
    """random shapes, λ = 0 and random λ; the sandwich at 20 random θ"""
    M, d = int(rng.integers(1, 25)), int(rng.integers(1, 7))
    lam = [0.0, float(10 ** rng.uniform(-3, 1))][trial]
    X = rng.standard_normal((M, d)) * 10 ** rng.uniform(-1, 1)
    got = student.logistic_constants(X, lam)
    expect.close(got, ref.logistic_constants(X, lam))
    L, mu = _constants(got)
    y = rng.choice([-1.0, 1.0], M)
    _sandwich(L, mu, [logistic_hessian(X, y, rng.standard_normal(d) * s, lam) for s in np.geomspace(0.01, 10, 20)], tol, "logistic regression")
