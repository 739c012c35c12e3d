"""Grader for ch15.gradient_estimators. Exact values for given draws (the
reference, and closed forms for f(z) = 1, z, z²); statistical checks with the
EXACT standard errors derived in _stats.py: both estimators are unbiased
(|z| ≤ 6 each, FFP ≈ 8e-9 for the four tests together), and the score-function
estimator has the larger variance (FFP ≈ 1e-12). Calibrated in tests/oracles."""

import numpy as np

from mathdl_cli import kernels
from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._stats import Z_MAX, d_sin, d_square, estimator_case, estimator_truth_sd, sin, square, variance_case


_cube = kernels.Elementwise("z^3")
_d_cube = kernels.Elementwise("3z^2")
_one = kernels.Elementwise("1")
_identity = kernels.Elementwise("z")


def test_values(student, ref, rng):
    """both estimators on R = 8 given draws, f(z) = z³ (μ = 0.7, σ = 1.3)"""
    eps = rng.standard_normal(8)
    expect.close(student.reparam_grad_mu(_d_cube, 0.7, 1.3, eps), ref.reparam_grad_mu(_d_cube, 0.7, 1.3, eps))
    expect.close(student.score_grad_mu(_cube, 0.7, 1.3, eps), ref.score_grad_mu(_cube, 0.7, 1.3, eps))


def test_closed_forms(student, rng):
    """exact for given draws: ĝ_rep = 2μ + 2σ·mean(ε) for f = z²; ĝ_score = mean(ε)/σ for f = 1 and μ·mean(ε)/σ + mean(ε²) for f = z"""
    mu, sigma = float(rng.uniform(-1.0, 1.0)), float(rng.uniform(0.3, 2.0))
    eps = rng.standard_normal(10)
    expect.close(student.reparam_grad_mu(d_square, mu, sigma, eps), 2 * mu + 2 * sigma * float(eps.mean()), names="ĝ_rep for f(z) = z² (must be 2μ + 2σ·mean(ε))")
    at_one, at_identity = student.score_grad_mu.many([(_one, mu, sigma, eps), (_identity, mu, sigma, eps)])  # one round trip
    expect.close(
        at_one, float(eps.mean()) / sigma,
        names="ĝ_score for f(z) = 1 (must be mean((z - μ)/σ²) = mean(ε)/σ)",
    )
    expect.close(
        at_identity, mu * float(eps.mean()) / sigma + float(np.mean(eps**2)),
        names="ĝ_score for f(z) = z (must be mean(z ε)/σ = μ·mean(ε)/σ + mean(ε²))",
    )


def _unbiased(student, rng):
    mu, sigma, eps = estimator_case(rng)
    R = eps.shape[0]
    for name, f, fp in (("square", square, d_square), ("sin", sin, d_sin)):
        truth, sd_rep, sd_score = estimator_truth_sd(name, mu, sigma)
        label = "z²" if name == "square" else "sin z"
        for quantity, got, sd in (
            ("reparameterisation estimate of ∇_μ E f(z)", student.reparam_grad_mu(fp, mu, sigma, eps), sd_rep),
            ("score-function estimate of ∇_μ E f(z)", student.score_grad_mu(f, mu, sigma, eps), sd_score),
        ):
            expect.like(got, 0.0)
            se = sd / np.sqrt(R)
            z = (got - truth) / se
            expect.that(
                abs(z) <= Z_MAX,  # FFP ≈ 2e-9 per test (CLT), four tests: ≈ 8e-9; calibrated over 200 seeds in tests/oracles
                f"must be within {Z_MAX:g} standard errors of the true gradient for f(z) = {label}",
                quantity=quantity,
                detail=f"μ = {mu:.4g}, σ = {sigma:.4g}, R = {R}: estimate {got:.6g}, true gradient {truth:.6g}, exact standard error {se:.3g}, z = {z:.3g}",
                of=got,  # both estimators ran before this check: name the call that returned got
            )


def test_unbiased(student, rng):
    """R = 10⁵: both estimators within 6 standard errors of the true gradient, for f = z² and f = sin (FFP ≈ 8e-9)"""
    _unbiased(student, rng)


def _batch_variances(student, rng):
    mu, sigma, eps_rep, eps_score = variance_case(rng)
    # the 20 batches of each estimator in one round trip each
    returned = student.reparam_grad_mu.many([(d_square, mu, sigma, e) for e in eps_rep])
    rep = np.array([expect.like(g, 0.0) for g in returned])
    score = np.array([expect.like(g, 0.0) for g in student.score_grad_mu.many([(square, mu, sigma, e) for e in eps_score])])
    return mu, sigma, rep, score, eps_rep, returned


def test_variance_comparison(student, rng):
    """f(z) = z²: over 20 batches of 5000 draws, the reparameterisation estimates scatter less than the score-function ones (FFP ≈ 1e-12)"""
    mu, sigma, rep, score, eps_rep, returned = _batch_variances(student, rng)
    v_rep, v_score = float(np.var(rep, ddof=1)), float(np.var(score, ddof=1))
    # an estimate that ignores the noise (f'(μ), variance 0) wins any variance contest: the
    # batch estimates must also be the exact values 2μ + 2σ·mean(ε) of the reparameterisation
    expect.close(rep, 2 * mu + 2 * sigma * eps_rep.mean(axis=1), names="ĝ_rep of each batch for f(z) = z² (must be 2μ + 2σ·mean(ε))", rows_of=returned)
    expect.that(
        v_rep < v_score,  # F(19, 19) test; the true variance ratio is ≥ 55.5 for these μ, σ: FFP ≈ 1e-12 (see _stats.py)
        "the reparameterisation estimator must have the smaller variance",
        quantity="reparameterisation vs score-function estimates",
        detail=f"μ = {mu:.4g}, σ = {sigma:.4g}: sample variance over {len(rep)} batch estimates {v_rep:.3g} (reparameterisation) vs {v_score:.3g} (score function)",
    )


@mark.hidden
@mark.weight(2)
def test_hidden_unbiased(student, rng):
    """per-student μ, σ and draws: both estimators within 6 standard errors (FFP ≈ 8e-9)"""
    _unbiased(student, rng)


@mark.hidden
@mark.parametrize("trial", range(2))
def test_hidden_values(student, ref, rng, trial):
    """random μ (either sign), σ and R = 1..20 draws: exact values for f = z³ and f = sin"""
    mu, sigma = float(rng.uniform(-2, 2)), float(rng.uniform(0.1, 2.0))
    eps = rng.standard_normal(int(rng.integers(1, 21)))
    expect.close(student.reparam_grad_mu(_d_cube, mu, sigma, eps), ref.reparam_grad_mu(_d_cube, mu, sigma, eps))
    expect.close(student.score_grad_mu(sin, mu, sigma, eps), ref.score_grad_mu(sin, mu, sigma, eps))
