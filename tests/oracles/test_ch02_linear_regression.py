"""Chapter 2 references against independent oracles: numpy.linalg.lstsq, torch
autograd, central differences, the eigen-decomposed closed form of gradient
descent, the SVD form of ridge regression, and np.vander."""

import numpy as np
import pytest
import torch

from support import failures, grade, reference, with_replaced

REF = reference("ch2")
SEEDS = range(6)


def data(seed, M=25, d=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((M, d))
    y = X @ rng.standard_normal(d) + 0.3 + 0.1 * rng.standard_normal(M)
    return rng, X, y


@pytest.mark.parametrize("seed", SEEDS)
def test_least_squares_against_lstsq_and_normal_equations(seed):
    rng, X, y = data(seed)
    w, b = REF.least_squares(X, y)
    Xt = np.column_stack([X, np.ones(len(X))])
    theta = np.linalg.lstsq(Xt, y, rcond=None)[0]
    np.testing.assert_allclose(np.append(w, b), theta, rtol=1e-10, atol=1e-12)
    r = y - X @ w - b
    assert np.linalg.norm(Xt.T @ r) <= 1e-10 * np.linalg.norm(Xt) * np.linalg.norm(y)
    assert abs(r.sum()) <= 1e-10 * np.abs(y).sum()
    w0, b0 = REF.least_squares(X, y, fit_intercept=False)
    np.testing.assert_allclose(w0, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    assert b0 == 0.0


def test_least_squares_minimum_norm_on_rank_deficient_data():
    _, X, y = data(7, M=6, d=8)  # M < d + 1: infinitely many minimisers
    w, b = REF.least_squares(X, y)
    theta = np.append(w, b)
    Xt = np.column_stack([X, np.ones(len(X))])
    np.testing.assert_allclose(theta, np.linalg.pinv(Xt) @ y, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_objective_and_gradient_against_autograd_and_fd(seed):
    rng, X, y = data(seed, M=9, d=3)
    theta = rng.standard_normal(4)
    loss, grad = REF.mse_objective_and_grad(theta, X, y)
    t = torch.tensor(theta, requires_grad=True)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    value = ((yt - Xt @ t[:-1] - t[-1]) ** 2).sum() / (2 * len(X))
    value.backward()
    assert loss == pytest.approx(value.item(), rel=1e-12)
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=1e-10, atol=1e-13)
    fd = np.array([(REF.mse_objective_and_grad(theta + h, X, y)[0] - REF.mse_objective_and_grad(theta - h, X, y)[0]) / 2e-6 for h in np.eye(4) * 1e-6])
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_descent_against_closed_form(seed):
    rng, X, y = data(seed, M=15, d=3)
    Xt = np.column_stack([X, np.ones(len(X))])
    H = Xt.T @ Xt / len(X)
    lam, Q = np.linalg.eigh(H)
    star = np.linalg.lstsq(Xt, y, rcond=None)[0]
    theta0 = rng.standard_normal(4)
    lr = 0.9 / lam.max()
    traj = REF.gd_least_squares(X, y, theta0, lr, 25)
    k = np.arange(26)[:, None]
    closed = star + ((Q.T @ (theta0 - star)) * (1 - lr * lam) ** k) @ Q.T
    np.testing.assert_allclose(traj, closed, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_ridge_against_svd_shrinkage_and_stationarity(seed):
    rng, X, y = data(seed, M=30, d=5)
    lam = 0.2
    w, b = REF.ridge(X, y, lam)
    M = len(X)
    Xc, yc = X - X.mean(0), y - y.mean()
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    w_svd = Vt.T @ ((s / (s**2 + M * lam)) * (U.T @ yc))  # shrinkage s_i² / (s_i² + Mλ) of least squares
    np.testing.assert_allclose(w, w_svd, rtol=1e-10, atol=1e-12)
    r = y - X @ w - b
    grad = np.append(-(X.T @ r) / M + lam * w, -r.mean())
    assert np.abs(grad).max() < 1e-12


def test_poly_design_and_the_training_curve():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 12)
    np.testing.assert_array_equal(REF.poly_design(x, 4), np.vander(x, 5, increasing=True))
    y = np.sin(3 * x) + 0.1 * rng.standard_normal(12)
    train, test = REF.train_test_curve(x, y, x[:5], y[:5], list(range(12)))
    assert np.all(np.diff(train) <= 1e-10) and train[-1] < 1e-12
    theta = np.polyfit(x, y, 3)  # an independent fit, highest power first
    assert train[3] == pytest.approx(np.mean((np.polyval(theta, x) - y) ** 2), rel=1e-8)


ALTERNATIVE = '''
def least_squares(X, y, fit_intercept=True):
    # the pseudo-inverse through the SVD, written out: another minimum-norm solver
    A = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > s.max() * max(A.shape) * np.finfo(float).eps
    theta = Vt.T[:, keep] @ ((U.T[keep] @ y) / s[keep])
    return (theta[:-1], float(theta[-1])) if fit_intercept else (theta, 0.0)


def mse_objective_and_grad(theta, X, y):
    # explicit loops over the samples
    M, d = X.shape
    loss, grad = 0.0, np.zeros(d + 1)
    for m in range(M):
        r = y[m] - float(X[m] @ theta[:-1]) - theta[-1]
        loss += r * r / (2 * M)
        grad[:-1] -= r * X[m] / M
        grad[-1] -= r / M
    return loss, grad


def ridge(X, y, lam):
    # the augmented normal equations with an unpenalised intercept, solved jointly
    M, d = X.shape
    A = np.column_stack([X, np.ones(M)])
    P = np.diag(np.append(np.full(d, lam), 0.0))
    theta = np.linalg.solve(A.T @ A / M + P, A.T @ y / M)
    return theta[:-1], float(theta[-1])


def poly_design(x, degree):
    return np.stack([x**j for j in range(degree + 1)], axis=1).astype(np.float64)
'''


def test_alternative_implementations_get_full_marks():
    report = grade("ch2", with_replaced("ch2", ALTERNATIVE))
    assert report.ok, "\n".join(failures(report))
