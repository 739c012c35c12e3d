"""Grader for ch23.async_delayed_sgd: trajectories against companion-matrix
powers (an independent closed form), plain gradient descent (τ = 0), the
constant history θ_j = θ_0 (j ≤ 0), the thresholds 2/λ, 1/λ, (√5-1)/(2λ); and
the theorem on the student's own code: decay at 0.97 η*, growth at 1.03 η*,
with a growth rate per step equal to the largest root of z^{τ+1} - z^τ + ηλ."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import companion_trajectory, growth_rate, spectral_radius


def test_trajectory(student, rng):
    """τ = 2, 30 steps at a stable step size: θ_k against e_1ᵀ C^k (θ_0, θ_0, θ_0), C the companion matrix"""
    lam, theta0 = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.5, 2.0))
    lr = 0.4 / lam
    expect.close(student.delayed_gd(theta0, lam, lr, 2, 30), companion_trajectory(theta0, lam, lr, 2, 30))


def test_plain_gradient_descent(student, rng):
    """τ = 0 is plain gradient descent: θ_k = (1 - ηλ)^k θ_0, 25 steps"""
    lam, theta0 = float(rng.uniform(0.5, 3.0)), float(rng.uniform(-2.0, 2.0))
    lr = 1.3 / lam
    expect.close(student.delayed_gd(theta0, lam, lr, 0, 25), theta0 * (1 - lr * lam) ** np.arange(26),
                 names="θ_k for τ = 0 (should be (1 - ηλ)^k θ_0)")


def test_constant_history(student, rng):
    """τ = 4: the first τ + 1 gradients are all λθ_0, so θ_k = θ_0 (1 - k ηλ) for k ≤ 5; 12 steps in all"""
    lam, theta0 = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.5, 2.0))
    lr = 0.1 / lam
    got = expect.like(student.delayed_gd(theta0, lam, lr, 4, 12), np.zeros(13))
    expect.close(got[:6], theta0 * (1 - lr * lam * np.arange(6)), names="θ_0, ..., θ_5 (should be θ_0 (1 - k ηλ): θ_j = θ_0 for j ≤ 0)")
    expect.close(got, companion_trajectory(theta0, lam, lr, 4, 12))


def test_thresholds(student, rng):
    """max_stable_lr: 2/λ (τ = 0), 1/λ (τ = 1), (√5 - 1)/(2λ) (τ = 2), 2 sin(π/22)/λ (τ = 5)"""
    lam = float(rng.uniform(0.5, 3.0))
    for tau, value in [(0, 2.0), (1, 1.0), (2, (np.sqrt(5.0) - 1.0) / 2.0), (5, 2.0 * np.sin(np.pi / 22.0))]:
        expect.close(student.max_stable_lr(lam, tau), value / lam, names=f"η*(λ = {lam:.4g}, τ = {tau})")


@mark.parametrize("tau", (0, 1, 2, 5))
def test_stability_threshold_on_your_code(student, rng, tol, tau):
    """your delayed_gd decays at 0.97 η* and grows at 1.03 η* (η* from your max_stable_lr), at the rate of the largest root"""
    lam, theta0 = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.5, 2.0))
    eta = student.max_stable_lr(lam, tau)
    expect.that(isinstance(eta, float) and eta > 0, "max_stable_lr returns a positive float", quantity="η*", detail=f"got {eta!r}")
    f = tol.threshold["factor"]
    a_star = 2.0 * np.sin(np.pi / (2.0 * (2 * tau + 1)))
    # long enough for a factor 1000 at the theoretical rate (1800 steps for τ = 5)
    n = int(np.ceil(3.0 * np.log(10.0) / abs(np.log(spectral_radius((1 + f) * a_star, tau)))))
    window = 2 * (2 * tau + 1)  # longer than the oscillation period 2π/ω = 2(2τ + 1)
    for factor, decays in ((1 - f, True), (1 + f, False)):
        lr = factor * eta
        theta = expect.like(student.delayed_gd(theta0, lam, lr, tau, n), np.zeros(n + 1))
        tail = float(np.max(np.abs(theta[-window:]))) / abs(theta0)
        # deterministic (no noise): at the true threshold the tail is ~1e-3 (decay) or ~1e3
        # (growth) of |θ_0|; the bounds 1e-2 and 1e2 leave a factor 10 either way
        if decays:
            expect.that(tail <= 1e-2, f"at η = {1 - f:g} η* the iterates must decay (τ = {tau})", quantity="max |θ_k| / |θ_0| over the last steps",
                        detail=f"after {n} steps at η = {lr:.6g} (your η* = {eta:.6g}): {tail:.3g}; is η* too large for this delay?")
        else:
            expect.that(tail >= 1e2, f"at η = {1 + f:g} η* the iterates must grow (τ = {tau})", quantity="max |θ_k| / |θ_0| over the last steps",
                        detail=f"after {n} steps at η = {lr:.6g} (your η* = {eta:.6g}): {tail:.3g}; is η* too small, or not the threshold?")
        rho = spectral_radius(lr * lam, tau)
        fit = growth_rate(theta, window)
        # the envelope's fitted rate is within 1% (relative, in log) of the root's modulus
        # for the reference at these run lengths (tests/oracles); 10% allows other
        # orders of floating-point operations while a delay off by one is ~50% away
        err = abs(np.log(fit) - np.log(rho)) / abs(np.log(rho))
        expect.that(err <= 0.1, "the growth factor per step is the largest |z| with z^{τ+1} - z^τ + ηλ = 0",
                    quantity="growth rate of |θ_k|",
                    detail=f"fitted from your iterates: {fit:.6f} per step; largest root modulus: {rho:.6f} (relative error in log {err:.3f})")


@mark.hidden
@mark.weight(2)
@mark.parametrize("tau", (1, 3, 7))
def test_hidden_trajectories(student, rng, tau):
    """random λ, step sizes on both sides of the threshold, τ = 1, 3, 7"""
    lam, theta0 = float(rng.uniform(0.2, 5.0)), float(rng.uniform(-3.0, 3.0))
    for factor in (0.5, 1.2):
        lr = factor * 2.0 * np.sin(np.pi / (2.0 * (2 * tau + 1))) / lam
        expect.close(student.delayed_gd(theta0, lam, lr, tau, 40), companion_trajectory(theta0, lam, lr, tau, 40))


@mark.hidden
def test_hidden_edge_cases(student, rng):
    """n_steps = 0 (θ_0 only), n_steps = 1, and τ larger than n_steps"""
    lam, theta0 = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.5, 2.0))
    lr = 0.3 / lam
    expect.close(student.delayed_gd(theta0, lam, lr, 3, 0), np.array([theta0]))
    expect.close(student.delayed_gd(theta0, lam, lr, 3, 1), np.array([theta0, theta0 * (1 - lr * lam)]))
    expect.close(student.delayed_gd(theta0, lam, lr, 10, 6), theta0 * (1 - lr * lam * np.arange(7)))


@mark.hidden
def test_hidden_thresholds(student, rng):
    """max_stable_lr for random λ and τ up to 20"""
    for tau in (3, 10, 20):
        lam = float(rng.uniform(0.1, 10.0))
        expect.close(student.max_stable_lr(lam, tau), 2.0 * np.sin(np.pi / (2.0 * (2 * tau + 1))) / lam, names=f"η*(τ = {tau})")
