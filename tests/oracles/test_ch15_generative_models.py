"""Chapter 15 references against torch and scipy (torch.distributions.kl_divergence,
scipy.stats.multivariate_normal, torch autograd for the two gradient estimators,
F.binary_cross_entropy_with_logits, scipy.spatial.distance.jensenshannon);
calibration (200 seeds, zero false failures) and power (known-wrong estimators)
of the graders' statistical checks; an alternative implementation that must get
full marks."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.spatial.distance import jensenshannon
from scipy.stats import multivariate_normal
from torch.distributions import Normal, kl_divergence

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "graders"))
from ch15_generative_models import _stats as S  # noqa: E402
from support import course, failures, grade, mutant_source, mutants, reference, with_replaced  # noqa: E402

from mathdl_cli.solutions import load_module  # noqa: E402

R = reference("ch15")
torch.set_default_dtype(torch.float64)
SEEDS = range(200)


def _mutant(name):
    (m,) = [m for m in mutants(course, course.chapter("ch15")) if m.name == name]
    return load_module(f"mutant_{name}", mutant_source(course, m))


# -- gaussian_kl ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("B,k", [(1, 1), (2, 5), (7, 3)])
def test_kl_vs_torch(B, k, seed):
    rng = np.random.default_rng(seed)
    mq, mp = 3 * rng.standard_normal((B, k)), 3 * rng.standard_normal((B, k))
    lq, lp = rng.uniform(-8, 8, (B, k)), rng.uniform(-8, 8, (B, k))

    def normal(m, lv):
        return Normal(torch.tensor(m), torch.tensor(np.exp(0.5 * lv)))

    want = kl_divergence(normal(mq, lq), normal(mp, lp)).sum(-1).numpy()
    np.testing.assert_allclose(R.kl_diag_gauss(mq, lq, mp, lp), want, rtol=1e-12, atol=1e-12)
    want0 = kl_divergence(normal(mq, lq), Normal(0.0, 1.0)).sum(-1).numpy()
    np.testing.assert_allclose(R.kl_diag_gauss(mq, lq), want0, rtol=1e-12, atol=1e-12)
    assert R.kl_diag_gauss(mq, lq).shape == (B,)


# -- elbo_linear_gaussian -------------------------------------------------------------------


def _model(seed, d, k):
    rng = np.random.default_rng(seed)
    A, b = rng.standard_normal((d, k)), rng.standard_normal(d)
    s2 = float(rng.uniform(0.2, 2.0))
    x = A @ rng.standard_normal(k) + b + np.sqrt(s2) * rng.standard_normal(d)
    return x, A, b, s2, rng.standard_normal(k), rng.uniform(0.05, 2.0, k), rng


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("d,k", [(1, 2), (4, 1), (5, 3), (3, 6)])
def test_elbo_closed_form_vs_scipy_and_posterior(d, k, seed):
    x, A, b, s2, m, v, _ = _model(seed, d, k)
    log_px = multivariate_normal.logpdf(x, b, A @ A.T + s2 * np.eye(d))
    assert np.isclose(S.log_evidence(x, A, b, s2), log_px, rtol=1e-12, atol=1e-12)  # the grader's own oracle
    mu, cov = S.posterior(x, A, b, s2)
    # the posterior by Bayes' rule for jointly Gaussian (z, x): Σ = I - Aᵀ(AAᵀ + s²I)⁻¹A
    Sx = A @ A.T + s2 * np.eye(d)
    np.testing.assert_allclose(cov, np.eye(k) - A.T @ np.linalg.solve(Sx, A), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mu, A.T @ np.linalg.solve(Sx, x - b), rtol=1e-10, atol=1e-12)
    # KL(q ‖ posterior) with torch's full-covariance Gaussians
    q = torch.distributions.MultivariateNormal(torch.tensor(m), covariance_matrix=torch.diag(torch.tensor(v)))
    post = torch.distributions.MultivariateNormal(torch.tensor(mu), covariance_matrix=torch.tensor(cov))
    gap = float(kl_divergence(q, post))
    assert np.isclose(S.kl_diag_to_full(m, v, mu, cov), gap, rtol=1e-10, atol=1e-12)
    elbo = R.elbo_closed_form(x, A, b, s2, m, v)
    assert isinstance(elbo, float)
    assert np.isclose(elbo, log_px - gap, rtol=1e-10, atol=1e-10)
    assert elbo < log_px


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("d,k", [(1, 1), (4, 2), (2, 5)])
def test_elbo_mc_vs_torch_log_probs(d, k, seed):
    x, A, b, s2, m, v, rng = _model(seed, d, k)
    eps = rng.standard_normal((50, k))
    z = torch.tensor(m + np.sqrt(v) * eps)
    lik = Normal(z @ torch.tensor(A).T + torch.tensor(b), float(np.sqrt(s2))).log_prob(torch.tensor(x)).sum(-1)
    prior = Normal(0.0, 1.0).log_prob(z).sum(-1)
    q = Normal(torch.tensor(m), torch.tensor(np.sqrt(v))).log_prob(z).sum(-1)
    want = float((lik + prior - q).mean())
    assert np.isclose(R.elbo_mc(x, A, b, s2, m, v, eps), want, rtol=1e-10, atol=1e-10)


def _elbo_z(module, seed):
    x, A, b, s2, m, v, eps = S.elbo_case(np.random.default_rng(seed))
    se = S.elbo_mc_sd(x, A, b, s2, m, v) / np.sqrt(eps.shape[0])
    return (module.elbo_mc(x, A, b, s2, m, v, eps) - S.elbo_via_posterior(x, A, b, s2, m, v)) / se


def test_elbo_mc_check_calibration():
    """The grader's statistic for the reference on 200 seeds: no false failure, and
    z-scores that look standard normal (which validates the exact-SE formula)."""
    z = np.array([_elbo_z(R, s) for s in SEEDS])
    assert np.all(np.abs(z) <= S.Z_MAX), np.abs(z).max()
    assert abs(z.mean()) < 0.3 and 0.8 < z.std() < 1.2, (z.mean(), z.std())  # 4-sigma bands for 200 N(0,1) draws


@pytest.mark.parametrize("name", ["mc_entropy_sign", "mc_variance_not_sd"])
def test_elbo_mc_check_power(name):
    """Known-wrong Monte Carlo ELBOs fail the statistic on every one of 20 seeds."""
    module = _mutant(name)
    z = np.array([_elbo_z(module, s) for s in range(20)])
    assert np.all(np.abs(z) > S.Z_MAX), np.abs(z).min()


# -- gradient_estimators ------------------------------------------------------------------------


@pytest.mark.parametrize("mu,sigma", [(0.7, 1.3), (-1.2, 0.4)])
def test_estimators_vs_autograd(mu, sigma):
    eps = np.random.default_rng(3).standard_normal(1000)
    for f in (lambda z: z**3, torch.sin):
        m = torch.tensor(mu, requires_grad=True)
        # pathwise: d/dμ mean f(μ + σ ε)
        (g_path,) = torch.autograd.grad(f(m + sigma * torch.tensor(eps)).mean(), m)
        # score function (REINFORCE): d/dμ mean[ f(z) log N(z; μ, σ²) ] with z held fixed
        z = torch.tensor(mu + sigma * eps)
        (g_score,) = torch.autograd.grad((f(z) * Normal(m, sigma).log_prob(z)).mean(), m)
        fn = (lambda a: a**3) if f is not torch.sin else np.sin
        fp = (lambda a: 3 * a**2) if f is not torch.sin else np.cos
        assert np.isclose(R.reparam_grad_mu(fp, mu, sigma, eps), float(g_path), rtol=1e-10, atol=1e-12)
        assert np.isclose(R.score_grad_mu(fn, mu, sigma, eps), float(g_score), rtol=1e-10, atol=1e-12)


def test_estimator_truth_and_variances_by_simulation():
    """The closed-form gradients and per-term standard deviations used by the grader."""
    rng = np.random.default_rng(11)
    eps = rng.standard_normal(1_000_000)
    for mu, sigma in [(0.5, 0.4), (1.7, 0.8)]:
        z = mu + sigma * eps
        for name, f, fp in (("square", S.square, S.d_square), ("sin", np.sin, S.d_sin)):
            truth, sd_rep, sd_score = S.estimator_truth_sd(name, mu, sigma)
            rep, score = fp(z), f(z) * eps / sigma
            assert abs(rep.mean() - truth) < 6 * sd_rep / np.sqrt(eps.size)
            assert abs(score.mean() - truth) < 6 * sd_score / np.sqrt(eps.size)
            assert abs(rep.std() / sd_rep - 1) < 0.01 and abs(score.std() / sd_score - 1) < 0.02


def _estimator_z(module, seed):
    mu, sigma, eps = S.estimator_case(np.random.default_rng(seed))
    out = []
    for name, f, fp in (("square", S.square, S.d_square), ("sin", np.sin, S.d_sin)):
        truth, sd_rep, sd_score = S.estimator_truth_sd(name, mu, sigma)
        out.append((module.reparam_grad_mu(fp, mu, sigma, eps) - truth) / (sd_rep / np.sqrt(eps.size)))
        out.append((module.score_grad_mu(f, mu, sigma, eps) - truth) / (sd_score / np.sqrt(eps.size)))
    return out


def test_estimator_check_calibration():
    z = np.array([_estimator_z(R, s) for s in SEEDS])  # (200, 4)
    assert np.all(np.abs(z) <= S.Z_MAX), np.abs(z).max()
    assert np.all(np.abs(z.mean(axis=0)) < 0.3) and np.all((0.8 < z.std(axis=0)) & (z.std(axis=0) < 1.2)), (z.mean(0), z.std(0))


@pytest.mark.parametrize("name", ["score_missing_inv_variance", "score_over_sigma", "reparam_unit_noise"])
def test_estimator_check_power(name):
    module = _mutant(name)
    z = np.array([_estimator_z(module, s) for s in range(20)])
    assert np.all(np.abs(z).max(axis=1) > S.Z_MAX)


def _variance_ratio(module, seed):
    mu, sigma, e_rep, e_score = S.variance_case(np.random.default_rng(seed))
    rep = [module.reparam_grad_mu(S.d_square, mu, sigma, e) for e in e_rep]
    score = [module.score_grad_mu(S.square, mu, sigma, e) for e in e_score]
    return np.var(rep, ddof=1) / np.var(score, ddof=1)


def test_variance_check_calibration_and_power():
    ratios = np.array([_variance_ratio(R, s) for s in SEEDS])
    assert np.all(ratios < 1.0), ratios.max()  # the check fails iff ratio ≥ 1
    assert np.median(ratios) < 1 / 20  # true ratio ≤ 1/55.5
    swapped = _mutant("estimators_swapped")
    assert all(_variance_ratio(swapped, s) >= 1.0 for s in range(10))


# -- gan_losses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("mr,mf,scale", [(1, 1, 800.0), (2, 1, 3.0), (7, 4, 30.0), (5, 9, 1000.0)])
def test_gan_losses_vs_bce_with_logits(mr, mf, scale, seed):
    rng = np.random.default_rng(seed)
    r, f = scale * rng.standard_normal(mr), scale * rng.standard_normal(mf)
    if scale == 800.0:
        r, f = np.array([800.0 * (-1) ** seed]), np.array([-800.0 * (-1) ** seed])
    rt, ft = torch.tensor(r), torch.tensor(f)
    bce = F.binary_cross_entropy_with_logits
    want = (
        float(bce(rt, torch.ones_like(rt)) + bce(ft, torch.zeros_like(ft))),
        float(bce(ft, torch.ones_like(ft))),
        -float(bce(ft, torch.zeros_like(ft))),
    )
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        got = R.gan_losses(r, f)
    assert all(isinstance(g, float) for g in got)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # and the minimax loss really is E log(1 - D(G(z))) = mean logsigmoid(-f)
    assert np.isclose(got[2], float(F.logsigmoid(-ft).mean()), rtol=1e-12, atol=1e-12)


def test_gan_stable_softplus_underflows_but_never_overflows():
    """Why the grader ignores underflow: np.logaddexp(0, -800) underflows legitimately."""
    with np.errstate(all="raise"), pytest.raises(FloatingPointError, match="underflow"):
        R.gan_losses(np.array([800.0]), np.array([-800.0]))
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        R.gan_losses(np.array([800.0, -800.0]), np.array([-800.0, 800.0]))


# -- optimal_discriminator -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_optimal_discriminator_vs_scipy_jsd(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 15))
    p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    p[rng.uniform(size=n) < 0.3] = 0.0
    q[rng.uniform(size=n) < 0.3] = 0.0
    p[0] = max(p[0], 0.1)
    q[-1] = max(q[-1], 0.1)
    p, q = p / p.sum(), q / q.sum()
    D, V = R.optimal_discriminator_value(p, q)
    assert np.isclose(V, -np.log(4) + 2 * jensenshannon(p, q) ** 2, rtol=1e-12, atol=1e-14)
    # D* maximises V(D) = Σ p log D + Σ q log(1 - D): no random feasible perturbation does better
    support = (p + q) > 0

    def value(Dx):
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.sum(np.where(p > 0, p * np.log(Dx), 0.0)) + np.sum(np.where(q > 0, q * np.log1p(-Dx), 0.0)))

    assert np.isclose(value(D), V, rtol=1e-12, atol=1e-14)
    for _ in range(50):
        Dp = np.clip(D + 0.05 * rng.standard_normal(n), 1e-9, 1 - 1e-9)
        Dp[~support] = 0.5
        assert value(Dp) <= V + 1e-12
    assert np.all(D[~support] == 0.5)


def test_optimal_discriminator_extremes():
    p = np.array([0.25, 0.25, 0.5])
    D, V = R.optimal_discriminator_value(p, p.copy())
    assert np.allclose(D, 0.5) and np.isclose(V, -np.log(4), rtol=1e-15)
    D, V = R.optimal_discriminator_value(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert np.array_equal(D, [1.0, 0.0]) and V == 0.0
    p, q = np.array([0.3, 0.7 - 1e-20, 1e-20]), np.array([1e-20, 1.0 - 1e-20, 0.0])
    _, V = R.optimal_discriminator_value(p, q)
    assert np.isfinite(V) and np.isclose(V, -np.log(4) + 2 * jensenshannon(p, q) ** 2, rtol=1e-12, atol=1e-14)


# -- an alternative correct implementation ---------------------------------------------------
# Other valid formulas: the ELBO as log p(x) - KL(q ‖ posterior); the MC ELBO through
# explicit log-densities; the score as mean f(z)·ε/σ; softplus as max(a,0) + log1p(e^{-|a|});
# V(D*, G) as -log 4 + 2 JSD with the KL to the mixture.
ALT_SOURCE = '''
def kl_diag_gauss(mu_q, logvar_q, mu_p=None, logvar_p=None):
    mu_p = np.zeros_like(mu_q) if mu_p is None else mu_p
    logvar_p = np.zeros_like(logvar_q) if logvar_p is None else logvar_p
    v_q, v_p = np.exp(logvar_q), np.exp(logvar_p)
    out = np.zeros(mu_q.shape[0])
    for j in range(mu_q.shape[1]):
        out += 0.5 * (np.log(v_p[:, j]) - np.log(v_q[:, j]) + (v_q[:, j] + (mu_q[:, j] - mu_p[:, j]) ** 2) / v_p[:, j] - 1.0)
    return out


def elbo_closed_form(x, A, b, s2, m, v):
    d, k = A.shape
    S = A @ A.T + s2 * np.eye(d)
    sign, logdet = np.linalg.slogdet(S)
    log_px = -0.5 * (d * np.log(2 * np.pi) + logdet + (x - b) @ np.linalg.solve(S, x - b))
    prec = np.eye(k) + A.T @ A / s2
    cov = np.linalg.inv(prec)
    mu = cov @ A.T @ (x - b) / s2
    diff = mu - m
    kl = 0.5 * (np.sum(np.diag(prec) * v) + diff @ prec @ diff - k - np.linalg.slogdet(prec)[1] - np.sum(np.log(v)))
    return float(log_px - kl)


def elbo_mc(x, A, b, s2, m, v, eps):
    z = m + np.sqrt(v) * eps
    def log_normal(y, mean, var):
        return np.sum(-0.5 * np.log(2 * np.pi * var) - (y - mean) ** 2 / (2 * var), axis=-1)
    terms = log_normal(x, z @ A.T + b, s2) + log_normal(z, 0.0, 1.0) - log_normal(z, m, v)
    return float(terms.mean())


def reparam_grad_mu(f_prime, mu, sigma, eps):
    return float(np.sum(f_prime(mu + sigma * eps)) / eps.shape[0])


def score_grad_mu(f, mu, sigma, eps):
    return float(np.mean(f(mu + sigma * eps) * eps) / sigma)


def gan_losses(d_real_logits, d_fake_logits):
    def softplus(a):
        return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))
    fake_sp = softplus(d_fake_logits)
    return (
        float(softplus(-d_real_logits).mean() + fake_sp.mean()),
        float(softplus(-d_fake_logits).mean()),
        float(-fake_sp.mean()),
    )


def optimal_discriminator_value(p_data, p_g):
    total = p_data + p_g
    with np.errstate(divide="ignore", invalid="ignore"):
        D = np.where(total > 0, p_data / total, 0.5)
        mix = total / 2
        kl_p = np.sum(np.where(p_data > 0, p_data * np.log(p_data / mix), 0.0))
        kl_q = np.sum(np.where(p_g > 0, p_g * np.log(p_g / mix), 0.0))
    return D, float(-np.log(4.0) + kl_p + kl_q)
'''


def test_alternative_implementation_gets_full_marks():
    report = grade("ch15", with_replaced("ch15", ALT_SOURCE), seed=5)
    assert report.ok, "\n".join(failures(report))
