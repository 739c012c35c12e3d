"""Grader for ch15.elbo_linear_gaussian. Independent oracles computed here:
log p(x) (a Cholesky log-density of N(b, AAᵀ + s²I)) and KL(q ‖ p(z | x)) with the
exact Gaussian posterior, whose difference is the ELBO; the bound is tight at
the posterior. The Monte Carlo estimate must be within 6 exact standard errors
of the ELBO (statistical; FFP ≈ 2e-9, calibrated in tests/oracles)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._stats import Z_MAX, elbo_case, elbo_mc_sd, elbo_via_posterior, log_evidence


def _model(rng, d, k):
    A = rng.standard_normal((d, k))
    b = rng.standard_normal(d)
    s2 = float(rng.uniform(0.3, 1.5))
    x = A @ rng.standard_normal(k) + b + np.sqrt(s2) * rng.standard_normal(d)
    m = rng.standard_normal(k)
    v = rng.uniform(0.1, 1.5, k)
    return x, A, b, s2, m, v


def _diagnose(got, want, x, A, b, s2, m, v):
    """Fail with an explanation when the error is exactly one of the ELBO's terms."""
    if not isinstance(got, float) or not np.isfinite(got):
        return
    d = x.shape[0]
    terms = {
        "the trace term Σ_j v_j ‖A_{:,j}‖² / (2s²) of E_q‖x - b - Az‖² is missing": float(np.sum(v * np.sum(A * A, axis=0)) / (2 * s2)),
        "the constant -(d/2) log(2π s²) of log p(x | z) is missing": float(0.5 * d * np.log(2 * np.pi * s2)),
        "the KL term is added instead of subtracted": float(np.sum(v + m * m - 1.0 - np.log(v))),
    }
    for text, size in terms.items():
        if abs((got - want) - size) <= 1e-8 * (1.0 + abs(want)):
            expect.that(False, "is off by exactly one of its terms", quantity="ELBO", detail=f"got {got:.10g}, expected {want:.10g} (difference {got - want:+.6g}): {text}")


def test_closed_form_values(student, ref, rng):
    """the closed form on d = 4, k = 2"""
    args = _model(rng, 4, 2)
    got, want = student.elbo_closed_form(*args), ref.elbo_closed_form(*args)
    _diagnose(got, want, *args)
    expect.close(got, want)


def test_gap_is_posterior_kl(student, rng):
    """ELBO = log p(x) - KL(q ‖ p(z | x)) with the exact Gaussian posterior (d = 5, k = 3)"""
    args = _model(rng, 5, 3)
    got = student.elbo_closed_form(*args)
    want = elbo_via_posterior(*args)
    lpx = log_evidence(*args[:4])
    _diagnose(got, want, *args)
    expect.close(got, want, names="ELBO (must equal log p(x) - KL(q ‖ p(z|x)))")
    expect.that(got <= lpx, "the ELBO is a lower bound: ELBO ≤ log p(x)", quantity="ELBO", detail=f"ELBO = {got:.10g} > log p(x) = {lpx:.10g}")


def test_tight_at_posterior(student, rng):
    """with AᵀA diagonal the posterior is a diagonal Gaussian; q = posterior gives ELBO = log p(x)"""
    d, k = 5, 3
    Q, _ = np.linalg.qr(rng.standard_normal((d, k)))
    A = Q * rng.uniform(0.5, 2.0, k)  # orthogonal columns: AᵀA = diag(c²)
    b = rng.standard_normal(d)
    s2 = 0.8
    x = rng.standard_normal(d) * 2.0
    colsq = np.sum(A * A, axis=0)
    v = 1.0 / (1.0 + colsq / s2)
    m = v * (A.T @ (x - b)) / s2
    expect.close(student.elbo_closed_form(x, A, b, s2, m, v), log_evidence(x, A, b, s2), names="ELBO at q = p(z | x) (must equal log p(x))")


def test_mc_values(student, ref, rng):
    """the Monte Carlo estimate on R = 6 given draws (d = 3, k = 2)"""
    args = _model(rng, 3, 2)
    eps = rng.standard_normal((6, 2))
    expect.close(student.elbo_mc(*args, eps), ref.elbo_mc(*args, eps))


def _unbiased(student, rng):
    x, A, b, s2, m, v, eps = elbo_case(rng)
    R = eps.shape[0]
    got = student.elbo_mc(x, A, b, s2, m, v, eps)
    expect.like(got, 0.0)
    truth = elbo_via_posterior(x, A, b, s2, m, v)
    se = elbo_mc_sd(x, A, b, s2, m, v) / np.sqrt(R)
    z = (got - truth) / se
    expect.that(
        abs(z) <= Z_MAX,  # FFP ≈ 2e-9 (CLT, two-sided |z| > 6), calibrated over 200 seeds in tests/oracles
        f"the Monte Carlo ELBO must be within {Z_MAX:g} standard errors of the exact ELBO",
        quantity="ELBO (Monte Carlo)",
        detail=f"estimate {got:.6g}, exact ELBO {truth:.6g}, standard error {se:.3g} (R = {R}): z = {z:.3g}",
    )


def test_mc_unbiased(student, rng):
    """R = 20000 draws: the estimate is within 6 standard errors of the exact ELBO (FFP ≈ 2e-9)"""
    _unbiased(student, rng)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random d ≠ k (d = 1 and k = 1 included): closed form against log p(x) - KL(q ‖ posterior) and Monte Carlo values"""
    k = int(rng.integers(1, 5))
    d = int(rng.choice([n for n in range(1, 8) if n != k]))
    args = _model(rng, d, k)
    expect.close(student.elbo_closed_form(*args), elbo_via_posterior(*args))
    eps = rng.standard_normal((int(rng.integers(1, 9)), k))
    expect.close(student.elbo_mc(*args, eps), ref.elbo_mc(*args, eps))


@mark.hidden
def test_hidden_mc_unbiased(student, rng):
    """Monte Carlo ELBO within 6 standard errors on a per-student model (FFP ≈ 2e-9)"""
    _unbiased(student, rng)
