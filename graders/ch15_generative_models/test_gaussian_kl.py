"""Grader for ch15.gaussian_kl: closed forms computed here (KL(N(μ,1) ‖ N(0,1)) = ‖μ‖²/2,
the variance-only case, KL(q ‖ q) = 0), additivity over the latent dimensions
on the student's own function, and the reference on general priors."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def _gauss(rng, B, k, scale=1.0):
    return scale * rng.standard_normal((B, k)), rng.uniform(-2.0, 2.0, (B, k))


def _shape(got, B):
    if isinstance(got, np.ndarray) and got.shape != (B,):
        expect.that(False, f"must have shape ({B},): one KL per row, summed over the latent dimensions (axis=-1)", quantity="KL(q ‖ p) per sample", detail=f"got shape {got.shape}")


def test_standard_prior(student, ref, rng):
    """default prior N(0, I): a batch of 4 Gaussians in k = 3 dimensions"""
    mu, logvar = _gauss(rng, 4, 3)
    got = student.kl_diag_gauss(mu, logvar)
    _shape(got, 4)
    expect.close(got, ref.kl_diag_gauss(mu, logvar))


def test_closed_forms(student, rng):
    """KL(N(μ, I) ‖ N(0, I)) = ‖μ‖²/2 and KL(N(0, diag v) ‖ N(0, I)) = ½ Σ (v - 1 - log v)"""
    mu = rng.standard_normal((3, 2))
    got = student.kl_diag_gauss(mu, np.zeros((3, 2)))
    _shape(got, 3)
    expect.close(got, 0.5 * np.sum(mu**2, axis=1), names="KL(N(μ, I) ‖ N(0, I)) (must be ‖μ‖²/2)")
    logvar = rng.uniform(-2.0, 2.0, (3, 2))
    v = np.exp(logvar)
    expect.close(
        student.kl_diag_gauss(np.zeros((3, 2)), logvar),
        0.5 * np.sum(v - 1.0 - logvar, axis=1),
        names="KL(N(0, diag v) ‖ N(0, I)) (must be ½ Σ (v - 1 - log v), logvar = log v)",
    )


def test_general_prior(student, ref, rng):
    """a general diagonal prior p = N(μ_p, diag v_p): 3 rows, k = 4"""
    mu_q, lv_q = _gauss(rng, 3, 4)
    mu_p, lv_p = _gauss(rng, 3, 4)
    got = student.kl_diag_gauss(mu_q, lv_q, mu_p, lv_p)
    _shape(got, 3)
    want = ref.kl_diag_gauss(mu_q, lv_q, mu_p, lv_p)
    reverse = ref.kl_diag_gauss(mu_p, lv_p, mu_q, lv_q)
    if isinstance(got, np.ndarray) and got.shape == want.shape and np.allclose(got, reverse, rtol=1e-9, atol=1e-12) and not np.allclose(got, want, rtol=1e-9, atol=1e-12):
        expect.that(False, "you computed KL(p ‖ q); the KL is not symmetric and the exercise asks for KL(q ‖ p)", quantity="KL(q ‖ p) per sample", detail=f"got {got}, KL(q ‖ p) = {want}")
    expect.close(got, want)


def test_zero_and_additive(student, ref, rng):
    """KL(q ‖ q) = 0, and the KL in k dimensions is the sum of the k one-dimensional KLs"""
    mu_q, lv_q = _gauss(rng, 2, 3)
    mu_p, lv_p = _gauss(rng, 2, 3)
    columns = [(mu_q[:, j:j + 1].copy(), lv_q[:, j:j + 1].copy(), mu_p[:, j:j + 1].copy(), lv_p[:, j:j + 1].copy()) for j in range(3)]
    same, full, *one_d = student.kl_diag_gauss.many([(mu_q, lv_q, mu_q.copy(), lv_q.copy()), (mu_q, lv_q, mu_p, lv_p), *columns])  # one round trip
    expect.close(same, np.zeros(2), expect.Tol(0.0, 1e-13), names="KL(q ‖ q)")
    expect.close(full, ref.kl_diag_gauss(mu_q, lv_q, mu_p, lv_p))  # KL = 0 is zero and additive too
    parts = sum(expect.like(kl, np.zeros(2)) for kl in one_d)
    expect.close(full, parts, names="KL in 3 dimensions vs the sum of the three 1-D KLs")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random B ∈ {1, 2, 5} ≠ k, means up to ±5, log-variances in [-8, 8], with and without a prior"""
    B = int(rng.choice([1, 2, 5]))
    k = int(rng.choice([n for n in range(1, 7) if n != B]))
    mu_q, mu_p = 5 * rng.standard_normal((B, k)), 5 * rng.standard_normal((B, k))
    lv_q, lv_p = rng.uniform(-8, 8, (B, k)), rng.uniform(-8, 8, (B, k))
    expect.close(student.kl_diag_gauss(mu_q, lv_q), ref.kl_diag_gauss(mu_q, lv_q))
    expect.close(student.kl_diag_gauss(mu_q, lv_q, mu_p, lv_p), ref.kl_diag_gauss(mu_q, lv_q, mu_p, lv_p))


def _one_prior_argument(student, rng, B, k):
    """mu_p = None means μ_p = 0 and logvar_p = None means logvar_p = 0, each on its own (closed forms)"""
    mu_q, lv_q = _gauss(rng, B, k)
    mu_p, lv_p = _gauss(rng, B, k)
    vq, vp = np.exp(lv_q), np.exp(lv_p)
    expect.close(
        student.kl_diag_gauss(mu_q, lv_q, mu_p, None), 0.5 * np.sum(-lv_q + vq + (mu_q - mu_p) ** 2 - 1.0, axis=1),
        names="KL(q ‖ N(μ_p, I)) (logvar_p = None: unit variances, but the given mean μ_p)",
    )
    expect.close(
        student.kl_diag_gauss(mu_q, lv_q, None, lv_p), 0.5 * np.sum(lv_p - lv_q + (vq + mu_q**2) / vp - 1.0, axis=1),
        names="KL(q ‖ N(0, diag v_p)) (mu_p = None: zero mean, but the given variances)",
    )


def test_one_prior_argument(student, rng):
    """each prior argument may be None on its own: mu_p given with logvar_p = None, and the reverse"""
    _one_prior_argument(student, rng, 3, 2)


@mark.hidden
def test_hidden_defaults(student, rng):
    """each prior argument may be None on its own"""
    B = int(rng.integers(1, 6))
    _one_prior_argument(student, rng, B, int(rng.choice([k for k in range(1, 6) if k != B])))
