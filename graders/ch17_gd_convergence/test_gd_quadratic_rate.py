"""Grader for ch17.gd_quadratic_rate.

Exactness: against the reference and against the eigen-decomposed closed form
θ_k = θ* + Q diag((1-ηλ_i)^k) Qᵀ(θ_0 - θ*) (no loop). Theory, on the student's own
trajectory and contraction factor: the bound ‖θ_k - θ*‖ ≤ q^k ‖θ_0 - θ*‖ at every
k, per-step factors 1 - ηλ_i along the eigenvectors, equality along the slowest
direction, and growth by |1 - ηL| > 1 beyond η = 2/L.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import quadratic_closed_form, spd


def _theory_check(student, rng, tol, lam, lr, K):
    """bound at every k with the student's q, factors 1 - ηλ_i, equality along the slowest eigenvector"""
    A, Q = spd(rng, lam)
    b = rng.standard_normal(len(lam))
    star = np.linalg.solve(A, b)
    mu, L = float(min(lam)), float(max(lam))
    q = student.contraction_factor(mu, L, lr)
    expect.close(q, max(abs(1 - lr * mu), abs(1 - lr * L)), names=f"contraction_factor(μ={mu:g}, L={L:g}, η={lr:.4g})")
    # a generic start (every eigen-component of size 1..2) and a start along the eigenvector attaining q
    slow = int(np.argmax(np.abs(1 - lr * np.asarray(lam))))
    starts = [star + Q @ rng.uniform(1, 2, len(lam)), star + 1.5 * Q[:, slow]]
    trajs = student.gd_quadratic.many([(A, b, s, lr, K) for s in starts])
    generic, along = (np.asarray(expect.like(t, np.zeros((K + 1, len(lam))))) for t in trajs)
    expect.close(generic[0], starts[0], names="row 0 of the trajectory (θ_0)")
    err = np.linalg.norm(generic - star, axis=1)
    bound = q ** np.arange(K + 1) * err[0]
    k = int(np.argmax(err / bound))
    # exact theorem; the slack only covers the rounding of θ_k (~1e-16 ‖θ*‖)
    scale = np.linalg.norm(star) + err[0]
    expect.that(
        bool(np.all(err <= bound * (1 + 1e-9) + 1e-13 * scale)),
        "‖θ_k - θ*‖ ≤ q^k ‖θ_0 - θ*‖ at every k, q = max(|1-ημ|, |1-ηL|)",
        quantity="distance to θ* along your trajectory",
        detail=f"at k = {k}: ‖θ_k - θ*‖ = {err[k]:.6g} > q^k‖θ_0 - θ*‖ = {bound[k]:.6g} (q = {q:.6g})",
    )
    comp = (generic - star) @ Q
    with np.errstate(all="ignore"):
        factors = comp[1:] / comp[:-1]
    theory = 1 - lr * np.asarray(lam)
    # The ratios are exact up to the rounding of θ_k (~1e-16 (‖θ*‖ + ‖θ_0 - θ*‖)), so
    # they are judged while a component is ≥ 1e-5 of that scale (relative rounding
    # ≤ 1e-10 there); fast components are not judged once they have decayed below it.
    live = np.abs(comp[:-1]) >= 1e-5 * scale
    ok = np.all(~live | (np.abs(factors - theory) <= tol.rate["rel"] * np.maximum(np.abs(theory), 1e-3)))
    expect.that(
        bool(ok),
        "the component of θ_k - θ* along the eigenvector q_i of A must shrink by 1 - ηλ_i at every step",
        quantity="per-step factors along the eigenvectors of A",
        detail=f"theory 1 - ηλ = {np.round(theory, 6).tolist()}; your first step gives {np.round(factors[0], 6).tolist()}",
    )
    dist = np.linalg.norm(np.asarray(along) - star, axis=1)
    with np.errstate(all="ignore"):
        ratio = dist[1:] / dist[:-1]
    expect.that(
        bool(np.all(np.abs(ratio - q) <= tol.rate["rel"] * q)),
        "the bound is attained: starting along the eigenvector with |1 - ηλ| = q, ‖θ_k - θ*‖ = q^k ‖θ_0 - θ*‖",
        quantity="per-step factor along the slowest eigenvector",
        detail=f"q = {q:.8g}; your factors range over [{np.nanmin(ratio):.8g}, {np.nanmax(ratio):.8g}]",
    )


def test_small(student, ref, rng):
    """d = 3, 5 steps, η = 0.2"""
    A, _ = spd(rng, [0.5, 1.5, 3.0])
    b, theta0 = rng.standard_normal(3), rng.standard_normal(3)
    expect.close(student.gd_quadratic(A, b, theta0, 0.2, 5), ref.gd_quadratic(A, b, theta0, 0.2, 5))


def test_closed_form(student, rng):
    """d = 4, η = 1/L, 30 steps: θ_k = θ* + Q diag((1-ηλ)^k) Qᵀ (θ_0 - θ*)"""
    A, _ = spd(rng, [0.3, 0.9, 2.0, 4.0])
    b, theta0 = rng.standard_normal(4), rng.standard_normal(4)
    expect.close(student.gd_quadratic(A, b, theta0, 0.25, 30), quadratic_closed_form(A, b, theta0, 0.25, 30))


def test_zero_steps(student, rng):
    """n_steps = 0 returns θ_0 alone, shape (1, d)"""
    A, _ = spd(rng, [1.0, 2.0])
    theta0 = rng.standard_normal(2)
    expect.close(student.gd_quadratic(A, np.ones(2), theta0, 0.1, 0), theta0[None, :])


def test_contraction_factor_values(student):
    """μ = 1, L = 9: η = 1/L → 8/9, η = 2/(L+μ) → (κ-1)/(κ+1) = 0.8, η = 0 → 1, η = 0.25 → 1.25, η = 0.05 → 0.95"""
    cases = [(1 / 9, 8 / 9), (0.2, 0.8), (0.0, 1.0), (0.25, 1.25), (0.05, 0.95)]
    got = student.contraction_factor.many([(1.0, 9.0, lr) for lr, _ in cases])
    for (lr, want), g in zip(cases, got):
        expect.close(g, want, names=f"contraction_factor(μ=1, L=9, η={lr:.4g})")


def test_rate_theorem(student, rng, tol):
    """[theory] λ = 0.5, 1, 2.5, 4 at η = 1/L and η = 2/(L+μ): bound, factors 1 - ηλ_i, equality"""
    lam = [0.5, 1.0, 2.5, 4.0]
    _theory_check(student, rng, tol, lam, 1 / 4.0, 40)
    _theory_check(student, rng, tol, lam, 2 / 4.5, 40)


def test_divergence(student, rng, tol):
    """[theory] η = 2.05/L: the component along the top eigenvector grows by 1.05 per step"""
    lam = [0.5, 1.0, 4.0]
    A, Q = spd(rng, lam)
    b = rng.standard_normal(3)
    star = np.linalg.solve(A, b)
    lr = 2.05 / 4.0
    traj = expect.like(student.gd_quadratic(A, b, star + Q @ np.array([0.5, 0.5, 1.0]), lr, 60), np.zeros((61, 3)))
    top = (np.asarray(traj) - star) @ Q[:, 2]
    with np.errstate(all="ignore"):
        growth = top[1:] / top[:-1]
    expect.that(
        bool(np.all(np.abs(growth - (1 - lr * 4.0)) <= tol.rate["rel"] * 1.05)) and abs(top[-1]) > 10 * abs(top[0]),
        "beyond η = 2/L gradient descent diverges: the top eigen-component is multiplied by 1 - ηL = -1.05 at every step",
        quantity="component of θ_k - θ* along the top eigenvector",
        detail=f"your per-step factors range over [{np.nanmin(growth):.6g}, {np.nanmax(growth):.6g}]; it went from {top[0]:.3g} to {top[-1]:.3g}",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """d = 1, 2 and random; η random in (0, 2/L); steps random"""
    d = [1, 2, int(rng.integers(3, 9))][trial]
    lam = np.sort(rng.uniform(0.1, 5.0, d))
    A, _ = spd(rng, lam)
    b, theta0 = rng.standard_normal(d), 3 * rng.standard_normal(d)
    lr = float(rng.uniform(0.05, 1.95)) / lam[-1]
    K = int(rng.integers(1, 50))
    got = student.gd_quadratic(A, b, theta0, lr, K)
    expect.close(got, ref.gd_quadratic(A, b, theta0, lr, K))
    expect.close(got, quadratic_closed_form(A, b, theta0, lr, K), "default")


@mark.hidden
def test_hidden_ill_conditioned(student, rng, tol):
    """[theory] κ = 10³ at the optimal η = 2/(L+μ): q = (κ-1)/(κ+1)"""
    lam = [0.01, 0.3, 2.0, 10.0]
    _theory_check(student, rng, tol, lam, 2 / 10.01, 300)


@mark.hidden
def test_hidden_contraction_random(student, ref, rng):
    """random μ ≤ L and η in [0, 3/L], and μ = L"""
    cases = []
    for _ in range(5):
        mu, L = np.sort(rng.uniform(0.01, 10, 2))
        cases.append((float(mu), float(L), float(rng.uniform(0, 3)) / L))
    cases.append((2.0, 2.0, 0.5))
    for args in cases:
        expect.close(student.contraction_factor(*args), ref.contraction_factor(*args), names=f"contraction_factor{tuple(round(a, 4) for a in args)}")
