"""Grader for ch03.fit_logistic_newton.

Newton: single steps against the reference (they expose a wrong Hessian even
when the fixed point is right), the converged θ against the reference, and
stationarity of the stated Λ at the student's θ by the complex step.
Gradient descent: trajectories against the reference, and on separable data
the implicit-bias theory: Λ(θ_k) strictly decreasing, ‖θ_k‖ growing like
(1/γ) log k, and θ_k/‖θ_k‖ turning towards the max-margin vector ŵ.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import (
    COS_MIN,
    GD_STEPS,
    SLOPE_RANGE,
    complex_step_grad,
    logistic_data,
    objective_path,
    separable,
    separable_statistics,
    smoothness,
)


def stationary(student, X, y, lam, theta0, tol):
    theta = expect.like(student.fit_logistic_newton(X, y, lam, theta0), theta0)
    g = complex_step_grad(theta, X, y, lam)
    allowed = tol.stationarity.atol
    expect.that(
        np.all(np.abs(g) <= allowed),
        f"θ is not a minimiser: ∇Λ(θ) must vanish (every entry ≤ {allowed:g})",
        quantity="θ (Newton)",
        detail=f"∇Λ(θ) = {np.array2string(g, precision=3)} (exact derivative of the stated Λ by the complex step), "
        f"‖∇Λ(θ)‖ = {np.linalg.norm(g):.3g}. Newton converges quadratically, so stopping on ‖∇Λ‖ ≤ tol costs one or two more steps.",
    )


def test_one_newton_step(student, ref, rng, tol):
    """n_iter=1, tol=0: exactly one step θ - 𝓗⁻¹∇Λ (λ = 0.5, so the bias entry of 𝓗 matters)"""
    X, y = logistic_data(rng, 12, 3)
    theta0 = 0.5 * rng.standard_normal(4)
    theta0[-1] = 1.0
    got = student.fit_logistic_newton(X, y, 0.5, theta0, n_iter=1, tol=0.0)
    expect.close(got, ref.fit_logistic_newton(X, y, 0.5, theta0, n_iter=1, tol=0.0), tol.step, names="θ after one Newton step")


def test_three_newton_steps(student, ref, rng, tol):
    """n_iter=3, tol=0, λ = 0: three exact Newton steps from θ = 0"""
    X, y = logistic_data(rng, 15, 2)
    theta0 = np.zeros(3)
    got = student.fit_logistic_newton(X, y, 0.0, theta0, n_iter=3, tol=0.0)
    expect.close(got, ref.fit_logistic_newton(X, y, 0.0, theta0, n_iter=3, tol=0.0), tol.step, names="θ after three Newton steps")


def test_minimiser(student, ref, rng):
    """the converged θ (λ = 0.1, M = 20, d = 3)"""
    X, y = logistic_data(rng, 20, 3)
    theta0 = np.zeros(4)
    expect.close(student.fit_logistic_newton(X, y, 0.1, theta0), ref.fit_logistic_newton(X, y, 0.1, theta0))


def test_stationary(student, rng, tol):
    """‖∇Λ‖ ≤ 1e-9 at your θ (λ = 0, non-separable data; gradient by the complex step)"""
    X, y = logistic_data(rng, 25, 2)
    stationary(student, X, y, 0.0, np.zeros(3), tol)


def tolerance_cases(student, ref, rng, tol, M, d):
    """A tol between ‖∇Λ(θ_1)‖ and ‖∇Λ(θ_2)‖ of the Newton iterates θ_k must stop at θ_2
    (the gradient is tested BEFORE each step), and a tol ≥ ‖∇Λ(θ_0)‖ must return θ_0."""
    X, y = logistic_data(rng, M, d)
    lam = float(rng.uniform(0.05, 1.0))
    theta0 = 0.3 * rng.standard_normal(d + 1)
    iterates = [np.asarray(ref.fit_logistic_newton(X, y, lam, theta0, n_iter=k, tol=0.0)) for k in range(3)]
    norms = [float(np.linalg.norm(complex_step_grad(t, X, y, lam))) for t in iterates]
    loose = float(np.sqrt(norms[1] * norms[2]))  # Newton: ‖g_2‖ ≪ ‖g_1‖, so loose is far from both
    got = student.fit_logistic_newton(X, y, lam, theta0, 50, loose)
    expect.close(
        got, ref.fit_logistic_newton(X, y, lam, theta0, 50, loose), tol.step, names=f"θ for tol = {loose:.3g}",
        detail=f"‖∇Λ‖ at the first Newton iterates: {', '.join(f'{v:.3g}' for v in norms)}: with tol = {loose:.3g} "
        "the method stops at θ_2, testing ‖∇Λ(θ)‖ ≤ tol BEFORE each step.",
    )
    high = 2.0 * norms[0]
    got = student.fit_logistic_newton(X, y, lam, theta0, 50, high)
    expect.close(got, theta0, tol.step, names=f"θ for tol = {high:.3g} ≥ ‖∇Λ(θ_0)‖ = {norms[0]:.3g} (no step at all: θ_0)")


def test_tolerance(student, ref, rng, tol):
    """tol loose enough to matter: stop at the first iterate with ‖∇Λ(θ)‖ ≤ tol (tested before each step), θ_0 itself if it qualifies"""
    tolerance_cases(student, ref, rng, tol, 14, 2)


def test_gd_values(student, ref, rng, tol):
    """10 gradient-descent steps, λ = 0.2, η = 0.5; and n_steps = 0 (θ_0 alone)"""
    X, y = logistic_data(rng, 10, 2)
    theta0 = rng.standard_normal(3)
    expect.close(student.fit_logistic_gd(X, y, 0.2, theta0, 0.5, 10), ref.fit_logistic_gd(X, y, 0.2, theta0, 0.5, 10), tol.gd)
    expect.close(student.fit_logistic_gd(X, y, 0.2, theta0, 0.5, 0), theta0[None, :].copy(), tol.gd, names="trajectory for n_steps = 0 (one row, θ_0)")


def separable_theory(student, rng):
    X, y, w_hat = separable(rng)
    lr = 1.0 / smoothness(X)
    traj = expect.like(student.fit_logistic_gd(X, y, 0.0, np.zeros(3), lr, GD_STEPS), np.zeros((GD_STEPS + 1, 3)))
    loss = objective_path(traj, X, y, 0.0)
    up = np.flatnonzero(np.diff(loss) >= 0)
    expect.that(
        up.size == 0,
        "Λ(θ_k) must decrease strictly at every step (η = 1/L on a convex, L-smooth Λ)",
        quantity="trajectory θ_0..θ_K",
        detail=f"Λ went up (or stalled) first at k = {up[0] if up.size else -1}: {loss[up[0]] if up.size else 0:.6g} → {loss[up[0] + 1] if up.size else 0:.6g}",
    )
    gamma = 1.0 / np.linalg.norm(w_hat)
    slope, cos = separable_statistics(traj, w_hat)
    lo, hi = SLOPE_RANGE
    expect.that(
        lo <= slope <= hi,
        f"on separable data ‖θ_k‖ grows like (1/γ) log k: the fitted slope of ‖θ_k‖ against log k over k ∈ [{GD_STEPS // 10}, {GD_STEPS}], times γ, should be in [{lo}, {hi}] (theory: → 1 from below)",
        quantity="trajectory θ_0..θ_K",
        detail=f"slope·γ = {slope:.3f} with γ = {gamma:.4f}; ‖θ_K‖ = {np.linalg.norm(traj[-1]):.4g}, Λ(θ_K) = {loss[-1]:.3g}",
    )
    expect.that(
        cos >= COS_MIN,
        f"θ_k/‖θ_k‖ must turn towards the max-margin direction ŵ/‖ŵ‖ (cosine ≥ {COS_MIN} after {GD_STEPS} steps)",
        quantity="trajectory θ_0..θ_K",
        detail=f"cos(θ_K, ŵ) = {cos:.4f}; θ_K = {np.array2string(traj[-1], precision=4)}, ŵ direction = {np.array2string(w_hat / np.linalg.norm(w_hat), precision=4)}",
    )


def test_gd_separable(student, rng):
    """separable data, λ = 0: Λ decreases to 0, ‖θ_k‖ ~ (1/γ) log k, direction → max margin"""
    separable_theory(student, rng)


@mark.hidden
@mark.weight(2)
@mark.parametrize("M,d", [(2, 3), (3, 1), (6, 2), (40, 4)])
def test_hidden_newton(student, ref, rng, tol, M, d):
    """random shapes incl. M = 2 (both labels, so a minimiser exists): converged θ and stationarity"""
    X, y = logistic_data(rng, M, d)
    lam = float(rng.uniform(0.05, 1.0))
    theta0 = 0.1 * rng.standard_normal(d + 1)
    expect.close(student.fit_logistic_newton(X, y, lam, theta0), ref.fit_logistic_newton(X, y, lam, theta0))
    stationary(student, X, y, lam, theta0, tol)


@mark.hidden
@mark.parametrize("M,n_iter", [(1, 1), (2, 2), (9, 2)])
def test_hidden_steps(student, ref, rng, tol, M, n_iter):
    """exact Newton iterates on random data, λ > 0, including M = 1 (one step: the bias has no minimiser then)"""
    X, y = logistic_data(rng, M, 4, both_labels=False)
    theta0 = 0.3 * rng.standard_normal(5)  # moderate logits: pure Newton from far out can overshoot until p(1-p) underflows
    lam = float(rng.uniform(0.2, 2.0))
    got = student.fit_logistic_newton(X, y, lam, theta0, n_iter=n_iter, tol=0.0)
    expect.close(got, ref.fit_logistic_newton(X, y, lam, theta0, n_iter=n_iter, tol=0.0), tol.step)


@mark.hidden
def test_hidden_tolerance(student, ref, rng, tol):
    """a loose tol on hidden data: the first iterate with ‖∇Λ‖ ≤ tol, and θ_0 when it already qualifies"""
    tolerance_cases(student, ref, rng, tol, int(rng.integers(6, 30)), int(rng.integers(1, 5)))


@mark.hidden
@mark.parametrize("M,d", [(1, 3), (2, 2), (25, 5)])
def test_hidden_gd(student, ref, rng, tol, M, d):
    """gradient descent on random shapes"""
    X, y = logistic_data(rng, M, d)
    theta0 = rng.standard_normal(d + 1)
    lam = float(rng.uniform(0, 1))
    n = int(rng.integers(0, 30)) if M > 1 else 0
    lr = float(rng.uniform(0.2, 1.0)) / smoothness(X)
    expect.close(student.fit_logistic_gd(X, y, lam, theta0, lr, n), ref.fit_logistic_gd(X, y, lam, theta0, lr, n), tol.gd)


@mark.hidden
def test_hidden_separable(student, rng):
    """implicit bias on a hidden separable data set"""
    separable_theory(student, rng)
