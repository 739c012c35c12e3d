"""Reference solutions for chapter 15 (variational inference and generative models). Instructors only."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

LOG_2PI = float(np.log(2.0 * np.pi))


def _softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + e^x) without overflow (np.logaddexp shifts by the max)."""
    return np.logaddexp(0.0, x)


def kl_diag_gauss(mu_q: np.ndarray, logvar_q: np.ndarray, mu_p: np.ndarray | None = None, logvar_p: np.ndarray | None = None) -> np.ndarray:
    if mu_p is None:
        mu_p = np.zeros_like(mu_q)
    if logvar_p is None:
        logvar_p = np.zeros_like(logvar_q)
    terms = logvar_p - logvar_q + np.exp(logvar_q - logvar_p) + (mu_q - mu_p) ** 2 * np.exp(-logvar_p) - 1.0
    return 0.5 * np.sum(terms, axis=-1)


def elbo_closed_form(x: np.ndarray, A: np.ndarray, b: np.ndarray, s2: float, m: np.ndarray, v: np.ndarray) -> float:
    d = x.shape[0]
    r = x - b - A @ m
    expected_sq = r @ r + np.sum(v * np.sum(A * A, axis=0))  # E_q ||x - b - A z||²
    expected_loglik = -0.5 * d * (LOG_2PI + np.log(s2)) - expected_sq / (2.0 * s2)
    kl = 0.5 * np.sum(v + m * m - 1.0 - np.log(v))
    return float(expected_loglik - kl)


def elbo_mc(x: np.ndarray, A: np.ndarray, b: np.ndarray, s2: float, m: np.ndarray, v: np.ndarray, eps: np.ndarray) -> float:
    d = x.shape[0]
    k = m.shape[0]
    z = m + np.sqrt(v) * eps  # (R, k), the reparameterisation
    res = x - b - z @ A.T  # (R, d)
    log_lik = -0.5 * d * (LOG_2PI + np.log(s2)) - 0.5 * np.sum(res * res, axis=1) / s2
    log_prior = -0.5 * k * LOG_2PI - 0.5 * np.sum(z * z, axis=1)
    log_q = -0.5 * k * LOG_2PI - 0.5 * np.sum(np.log(v)) - 0.5 * np.sum(eps * eps, axis=1)
    return float(np.mean(log_lik + log_prior - log_q))


def reparam_grad_mu(f_prime: Callable, mu: float, sigma: float, eps: np.ndarray) -> float:
    return float(np.mean(f_prime(mu + sigma * eps)))


def score_grad_mu(f: Callable, mu: float, sigma: float, eps: np.ndarray) -> float:
    z = mu + sigma * eps
    return float(np.mean(f(z) * (z - mu) / sigma**2))


def gan_losses(d_real_logits: np.ndarray, d_fake_logits: np.ndarray) -> tuple[float, float, float]:
    # -log D(x) = softplus(-r), -log(1 - D(G(z))) = softplus(f), with D = sigmoid(logit)
    loss_d = np.mean(_softplus(-d_real_logits)) + np.mean(_softplus(d_fake_logits))
    loss_g_nonsat = np.mean(_softplus(-d_fake_logits))
    loss_g_minimax = -np.mean(_softplus(d_fake_logits))
    return float(loss_d), float(loss_g_nonsat), float(loss_g_minimax)


def optimal_discriminator_value(p_data: np.ndarray, p_g: np.ndarray) -> tuple[np.ndarray, float]:
    total = p_data + p_g
    support = total > 0
    D = np.full(p_data.shape, 0.5)
    D[support] = p_data[support] / total[support]
    has_p, has_q = p_data > 0, p_g > 0
    # 0 log 0 = 0: sum only where the weight is positive; log(1 - D*) = log(q / (p + q)) avoids cancellation
    value = np.sum(p_data[has_p] * np.log(p_data[has_p] / total[has_p])) + np.sum(p_g[has_q] * np.log(p_g[has_q] / total[has_q]))
    return D, float(value)
