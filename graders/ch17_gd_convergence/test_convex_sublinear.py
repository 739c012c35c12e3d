"""Grader for ch17.convex_sublinear.

gd_separable_quadratic: against the reference and the closed form
Λ(θ_k) = ½ Σ_j h_j (1 - ηh_j)^{2k} (θ_0 - θ*)_j². check_sublinear_bound: against the
definition on grader-made runs (θ* ≠ 0, Λ* ≠ 0). Theory on the student's own 2000-step
run: every ratio ≤ 1 (the theorem), and the log–log slope of Λ(θ_k) over
k ∈ [20, 2000] is -(p+1)/2 for (θ_0 - θ*)_j² = j^{-p}: -1 for p = 1, the O(1/k) rate
attained.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import loglog_slope

# Two decades of k, 1 ≪ k ≪ n²: the fitted slopes are within 0.004 of -(p+1)/2 on
# [20, 2000] (0.016 on the catalog's [10², 10⁴], where k nears the end of the spectrum),
# and the student's loop runs 2000 steps, not 10⁴ (tests/oracles/test_ch17_*).
N_DIM, N_STEPS, SLOPE_FROM = 1000, 2000, 20


def closed_form(h, theta_star, theta0, lr, K):
    """Λ(θ_k) = ½ Σ_j h_j (1 - ηh_j)^{2k} e_j², e = θ_0 - θ*"""
    e2 = (theta0 - theta_star) ** 2
    return 0.5 * ((1 - lr * h)[None, :] ** (2 * np.arange(K + 1)[:, None]) * h * e2).sum(axis=1)


def _theory_check(student, rng, tol, p):
    """h_j = j⁻² (n = 1000, L = 1), η = 1, (θ_0 - θ*)_j = ±j^{-p/2}; 2000 steps"""
    j = np.arange(1, N_DIM + 1)
    h = j**-2.0
    theta_star = rng.standard_normal(N_DIM)
    theta0 = theta_star + rng.choice([-1.0, 1.0], N_DIM) * j ** (-p / 2)
    fvals = np.asarray(expect.like(student.gd_separable_quadratic(h, theta_star, theta0, 1.0, N_STEPS), np.zeros(N_STEPS + 1)))
    ratios = np.asarray(expect.like(student.check_sublinear_bound(fvals, 0.0, theta0, theta_star, 1.0), np.zeros(N_STEPS)))
    k = np.arange(1, N_STEPS + 1)
    own = fvals[1:] * 2 * k / np.sum((theta0 - theta_star) ** 2)
    expect.close(ratios, own, names="your ratios on your own run (ratio_k = (Λ_k - Λ*)·2ηk/‖θ_0 - θ*‖²)")
    worst = int(np.argmax(own))
    expect.that(
        bool(np.all(own <= 1.0)) and fvals[0] > 0,
        "Λ(θ_k) - Λ* ≤ ‖θ_0 - θ*‖²/(2ηk) at every k ≥ 1 (convex, L-smooth, η ≤ 1/L)",
        quantity="ratio to the bound along your run",
        detail=f"largest ratio {own[worst]:.4g} at k = {worst + 1}",
    )
    window = k >= SLOPE_FROM
    slope = loglog_slope(k[window], fvals[1:][window])
    want = -(p + 1) / 2
    # For e_j² = j^{-p} and h_j = j⁻², Λ_k ≈ ½ ∫ h e^{-2kh} dν(h) with dν ∝ h^{(p-3)/2} dh,
    # so Λ_k ∝ k^{-(p+1)/2} for 1 ≪ k ≪ n²; on [20, 2000] with n = 1000 the fitted slopes
    # are within 0.004 of that for p = 0.5, 1, 2 (p = 0, whose weight sits at the truncated
    # end of the spectrum, is not used) (tests/oracles/test_ch17_*); ±0.05.
    expect.that(
        abs(slope - want) <= tol.theory["slope_tol"],
        f"for (θ_0 - θ*)_j² = j^{{-{p:g}}} the values decay like k^{{{want:g}}} (log–log slope {want:g} ± {tol.theory['slope_tol']})",
        quantity=f"log–log slope of Λ(θ_k) over k ∈ [{SLOPE_FROM}, {N_STEPS}]",
        detail=f"your slope {slope:.4f}" + (" (the O(1/k) rate)" if p == 1 else ""),
    )


def test_small(student, ref, rng):
    """n = 5, 6 steps, η = 0.5"""
    h, theta_star, theta0 = rng.uniform(0.1, 2, 5), rng.standard_normal(5), rng.standard_normal(5)
    expect.close(student.gd_separable_quadratic(h, theta_star, theta0, 0.5, 6), ref.gd_separable_quadratic(h, theta_star, theta0, 0.5, 6))


def test_closed_form(student, rng):
    """n = 20, 50 steps with θ* ≠ 0: Λ(θ_k) = ½ Σ h_j (1-ηh_j)^{2k} (θ_0 - θ*)_j²"""
    h, theta_star, theta0 = rng.uniform(0.01, 1, 20), 3 + rng.standard_normal(20), rng.standard_normal(20)
    expect.close(student.gd_separable_quadratic(h, theta_star, theta0, 0.9, 50), closed_form(h, theta_star, theta0, 0.9, 50))


def test_ratios_small(student, ref, rng):
    """ratios of a 5-step run, Λ* = 0.3, θ* = (2, -1, 0.5), η = 0.4"""
    fvals = 0.3 + np.array([4.0, 2.0, 1.1, 0.6, 0.35, 0.2])
    theta0, theta_star = rng.standard_normal(3), np.array([2.0, -1.0, 0.5])
    expect.close(student.check_sublinear_bound(fvals, 0.3, theta0, theta_star, 0.4), ref.check_sublinear_bound(fvals, 0.3, theta0, theta_star, 0.4))


def test_ratios_definition(student, rng):
    """ratio_k = (Λ_k - Λ*)·2ηk/‖θ_0 - θ*‖² for k = 1..K: the distance to θ*, not to 0"""
    K = 12
    fvals = 1.5 + 10.0 / (1 + np.arange(K + 1))
    theta0, theta_star = rng.standard_normal(4), 5 + rng.standard_normal(4)
    got = student.check_sublinear_bound(fvals, 1.5, theta0, theta_star, 0.25)
    want = (fvals[1:] - 1.5) * 2 * 0.25 * np.arange(1, K + 1) / np.sum((theta0 - theta_star) ** 2)
    expect.close(got, want, names="ratios (Λ_k - Λ*)/bound_k, bound_k = ‖θ_0 - θ*‖²/(2ηk), k = 1..K")


def test_no_steps(student, rng):
    """K = 0: one value, no ratio (an empty array)"""
    h, theta_star, theta0 = np.ones(3), np.zeros(3), rng.standard_normal(3)
    expect.close(student.gd_separable_quadratic(h, theta_star, theta0, 0.5, 0), np.array([0.5 * np.sum(theta0**2)]))
    expect.close(student.check_sublinear_bound(np.array([2.0]), 0.0, theta0, theta_star, 0.5), np.zeros(0), names="ratios for K = 0")


def test_sublinear_rate(student, rng, tol):
    """[theory] h_j = j⁻², (θ_0 - θ*)_j = ±j^{-1/2}: ratios ≤ 1 and Λ(θ_k) ~ 1/k over [20, 2000]"""
    _theory_check(student, rng, tol, 1)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """n = 1, 2 and random; η up to 1.9/L; ratios with random Λ*"""
    n = [1, 2, int(rng.integers(3, 40))][trial]
    h, theta_star, theta0 = rng.uniform(0.0, 3, n), rng.standard_normal(n), rng.standard_normal(n)
    lr, K = float(rng.uniform(0.1, 1.9)) / max(h.max(), 1e-3), int(rng.integers(1, 60))
    f = student.gd_separable_quadratic(h, theta_star, theta0, lr, K)
    expect.close(f, ref.gd_separable_quadratic(h, theta_star, theta0, lr, K))
    expect.close(f, closed_form(h, theta_star, theta0, lr, K))
    fvals, fstar = 0.2 + rng.uniform(0, 5, K + 1), 0.2
    expect.close(student.check_sublinear_bound(fvals, fstar, theta0, theta_star, lr), ref.check_sublinear_bound(fvals, fstar, theta0, theta_star, lr))


@mark.hidden
@mark.parametrize("p", [0.5, 2])
def test_hidden_sublinear_rate(student, rng, tol, p):
    """[theory] (θ_0 - θ*)_j² = j^{-p} (p = 0.5 or 2): slope -(p+1)/2, ratios ≤ 1"""
    _theory_check(student, rng, tol, p)
