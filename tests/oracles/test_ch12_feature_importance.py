"""Chapter 12 references against independent oracles: torch autograd through
nn.Linear layers (weight = (W^ℓ)ᵀ) and central differences for the input
sensitivities; exact enumeration of all permutations for the permutation
importance's mean and variance; closed forms for occlusion; scipy quadrature
and the midpoint rule's exact error for integrated gradients; the calibration
(false failures) and power of the statistical checks; and alternative correct
implementations graded by the real graders."""

import itertools

import numpy as np
import pytest
import scipy.integrate
import torch
from torch import nn

from support import grader_helpers, chapter, failures, grade, reference, with_replaced

REF = reference("ch12")
CH = chapter("ch12")




H = grader_helpers("ch12", "_helpers")


def _close(got, want, rtol, atol, what):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    err = np.abs(got - want)
    assert np.all(err <= atol + rtol * np.abs(want)), f"{what}: max |diff| {err.max():.3g}"


# -- gradient_importance -------------------------------------------------------------

TORCH_ACT = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU, "identity": nn.Identity}


def torch_importance(X, Ws, bs, activation, o):
    """S_i = mean_m |∂U_{m,o}/∂x_{m,i}| by autograd through nn.Linear layers."""
    layers = []
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        lin = nn.Linear(W.shape[0], W.shape[1]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))  # torch stores (out, in)
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if ell < len(Ws):
            layers.append(TORCH_ACT[activation]())
    net = nn.Sequential(*layers)
    Xt = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    (G,) = torch.autograd.grad(net(Xt)[:, o].sum(), Xt)  # rows do not interact: row m is ∇m_o(x_m)
    return G.abs().mean(dim=0).numpy()


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
@pytest.mark.parametrize("seed", range(3))
def test_gradient_importance_against_torch_autograd(activation, seed):
    rng = np.random.default_rng(seed)
    tol = CH.exercise("gradient_importance").tol()
    for sizes in ([5, 7, 3, 2], [3, 1], [6, 2, 8, 4, 5], [2, 9, 3]):
        Ws, bs = H.network(rng, sizes, scale=1.5)
        M = int(rng.integers(1, 12))
        X = rng.standard_normal((M, sizes[0]))
        o = int(rng.integers(sizes[-1]))
        want = torch_importance(X, Ws, bs, activation, o)
        _close(REF.gradient_importance(X, Ws, bs, activation, o, False), want, tol.rtol, tol.atol, f"{activation} {sizes}")
        if want.sum() > 0:
            _close(REF.gradient_importance(X, Ws, bs, activation, o, True), want / want.sum(), tol.rtol, tol.atol, "normalised")


def test_gradient_importance_against_finite_differences_and_saturation():
    rng = np.random.default_rng(11)
    fd_tol = CH.exercise("gradient_importance").tol("fd")
    Ws, bs = H.network(rng, [4, 6, 5, 3], scale=2.0)
    X = rng.standard_normal((10, 4))
    fd = np.abs(H.fd_input_gradients(X, Ws, bs, "tanh", 2)).mean(axis=0)
    _close(REF.gradient_importance(X, Ws, bs, "tanh", 2, False), fd, fd_tol.rtol, fd_tol.atol, "FD")
    # saturated sigmoid units: no overflow, and the same answer as torch
    bs[0] = bs[0] + 800.0 * np.sign(rng.standard_normal(6))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = REF.gradient_importance(X, Ws, bs, "sigmoid", 0, False)
    _close(got, torch_importance(X, Ws, bs, "sigmoid", 0), 1e-10, 1e-12, "saturated")


# -- permutation_importance ------------------------------------------------------------


def test_ols_permutation_moments_are_exact_by_enumeration():
    """All 6! permutations of M = 6 samples: the exact mean w_i² s_i² and the
    exact variance of the linear permutation statistic used by the grader."""
    rng = np.random.default_rng(5)
    M, d = 6, 3
    X, y, w, b, predict = H.ols_problem(rng, M, d)
    perms = np.array(list(itertools.permutations(range(M))), dtype=np.int64)
    values = np.empty((d, len(perms)))
    for i in range(d):
        for k, p in enumerate(perms):
            values[i, k] = REF.permutation_importance(predict, X, y, np.tile(p, (d, 1, 1)))[i]
    mean, var = H.ols_permutation_moments(X, y, w, b)
    _close(values.mean(axis=1), mean, 1e-10, 1e-12, "exact mean w² s²")
    _close(values.var(axis=1), var, 1e-9, 1e-12, "exact variance")
    _close(REF.permutation_importance(predict, X, y, np.tile(perms[:, None, :], (d, 1, 1, 1)).reshape(d, -1, M)), mean, 1e-10, 1e-12, "average over all")


def test_permutation_importance_literal_and_callable_counts():
    """A hand-computed case, and the reference calls predict once per (i, r) plus once."""
    X = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    y = np.array([1.0, 2.0, 3.0])
    calls = []

    def predict(Z):
        calls.append(Z.shape)
        return Z[:, 0].copy()  # exact on X, ignores feature 1

    perms = np.array([[[2, 1, 0]], [[1, 0, 2]]], dtype=np.int64)
    got = REF.permutation_importance(predict, X, y, perms)
    # feature 0 reversed: predictions (3, 2, 1), residuals (-2, 0, 2): Λ = 8/6
    _close(got, [8 / 6, 0.0], 1e-15, 0.0, "literal")
    assert len(calls) == 3


def test_permutation_check_is_calibrated_and_powerful():
    """200 seeds of the public (d = 3, M = 400, R = 10) and hidden (d = 4, M = 300,
    R = 8) statistical checks on the reference: no |z| > 6, and z has mean ≈ 0 and
    SD ≈ 1; the 'mean squared error without ½' bug (importances doubled) is rejected
    on every seed (by the feature with the largest |z|)."""
    zs, zs_bug = [], []
    for seed in range(200):
        for M, d, R, noise in ((400, 3, 10, 0.5), (300, 4, 8, 1.0)):
            rng = np.random.default_rng([seed, d])
            X, y, w, b, predict = H.ols_problem(rng, M, d, noise=noise)
            got = REF.permutation_importance(predict, X, y, H.permutations(rng, d, R, M))
            zs.append(H.ols_permutation_z(got, X, y, w, b, R))
            zs_bug.append(np.abs(H.ols_permutation_z(2 * got, X, y, w, b, R)).max())
    zs, zs_bug = np.concatenate(zs), np.array(zs_bug)
    assert np.max(np.abs(zs)) <= 6.0
    assert abs(zs.mean()) < 0.1 and 0.9 < zs.std() < 1.1, (zs.mean(), zs.std())
    assert np.min(zs_bug) > 6.0  # every check (its worst feature) rejects the bug


# -- occlusion_importance ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_occlusion_closed_form_and_literal(seed):
    rng = np.random.default_rng(seed)
    for M, d in ((30, 3), (5, 2), (200, 6)):
        X, y, w, b, predict = H.ols_problem(rng, M, d)
        _close(REF.occlusion_importance(predict, X, y), 0.5 * w**2 * X.var(axis=0), 1e-10, 1e-12, "½ w² s²")
    X = np.array([[0.0, 5.0], [2.0, 1.0]])
    y = np.array([1.0, 1.0])
    got = REF.occlusion_importance(lambda Z: Z[:, 0] * Z[:, 1], X, y)
    # baseline: predictions (0, 2), Λ = (1 + 1)/4 = 0.5; column 0 := 1: (5, 1) -> Λ = 16/4 = 4;
    # column 1 := 3: (0, 6) -> Λ = (1 + 25)/4 = 6.5
    _close(got, [3.5, 6.0], 1e-15, 0.0, "literal")


# -- integrated_gradients ----------------------------------------------------------------


def test_integrated_gradients_against_scipy_quad_and_autograd():
    """A torch model's gradient by autograd; each IG_i by adaptive quadrature
    of the path integral; the midpoint rule converges at O(n⁻²)."""
    rng = np.random.default_rng(2)
    A = torch.tensor(rng.standard_normal((4, 3)))
    c = torch.tensor(rng.standard_normal(4))

    def grad_fn(z):
        zt = torch.tensor(np.atleast_2d(z), requires_grad=True)
        (g,) = torch.autograd.grad((torch.sin(zt @ A.T) @ c + 0.5 * (zt**3).sum(dim=1)).sum(), zt)
        return g.numpy().reshape(np.shape(z))

    x, x0 = rng.standard_normal(3), rng.standard_normal(3)
    quad = np.array([(x[i] - x0[i]) * scipy.integrate.quad(lambda a: grad_fn(x0 + a * (x - x0))[i], 0, 1, epsabs=1e-13, epsrel=1e-13)[0] for i in range(3)])
    errs = [np.abs(REF.integrated_gradients(grad_fn, x, x0, n) - quad).max() for n in (50, 100, 200)]
    assert errs[-1] < 1e-4 * np.abs(quad).max()
    assert 3.8 < errs[0] / errs[1] < 4.2 and 3.8 < errs[1] / errs[2] < 4.2


def test_midpoint_error_is_exact_for_the_exp_model_and_rate_check_is_robust():
    """Σ IG for ExpModel equals Δm·(h/2)/sinh(h/2) (h = s/n); over 200 random
    paths with |s| ∈ [1, 2.5] the rate statistics of the grader stay far inside
    the allowed band (slope -2 ± 0.15, ratios in [3, 5])."""
    rate = CH.exercise("integrated_gradients").tolerances["rate"]
    worst_slope, ratios_seen = 0.0, []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        d = int(rng.integers(1, 8))
        x, x0 = rng.standard_normal(d), rng.standard_normal(d)
        s = float(rng.choice([-1.0, 1.0]) * rng.uniform(1.0, 2.5))
        model = H.ExpModel(rng, x, x0, s)
        gap = model.value(x) - model.value(x0)
        errs = []
        for n in (2, 4, 8, 16):
            total = REF.integrated_gradients(model.grad, x, x0, n).sum()
            h = s / n
            assert abs(total - gap * (h / 2) / np.sinh(h / 2)) <= 1e-12 * abs(gap) + 1e-13
            errs.append(abs(total - gap))
        slope = np.polyfit(np.log([2, 4, 8, 16]), np.log(errs), 1)[0]
        worst_slope = max(worst_slope, abs(slope + 2))
        ratios_seen += list(np.array(errs[:-1]) / np.array(errs[1:]))
    assert worst_slope < rate["slope"] / 3
    assert rate["ratio_low"] + 0.8 < min(ratios_seen) and max(ratios_seen) < rate["ratio_high"] - 0.9


def test_integrated_gradients_exact_cases():
    rng = np.random.default_rng(9)
    A, b, grad_fn = H.quadratic(rng, 4)
    x, x0 = rng.standard_normal(4), rng.standard_normal(4)
    for n in (1, 2, 7):
        _close(REF.integrated_gradients(grad_fn, x, x0, n), (x - x0) * (A @ (x + x0) / 2 + b), 1e-12, 1e-14, f"quadratic n={n}")
    # completeness for a quadratic: Σ IG = m(x) - m(x') exactly
    m = lambda z: 0.5 * z @ A @ z + b @ z  # noqa: E731
    assert abs(REF.integrated_gradients(grad_fn, x, x0, 3).sum() - (m(x) - m(x0))) < 1e-12


# -- alternative correct implementations ----------------------------------------------------

ALT = '''
def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    # per-sample Jacobian products with explicit loops, float32 NOT used (tolerance 1e-10)
    M = X.shape[0]
    S = np.zeros(X.shape[1])
    for m in range(M):
        h = X[m]
        jac = np.eye(X.shape[1])          # ∂h/∂x for the current layer input
        for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
            z = h @ W + b
            jac = jac @ W                  # ∂z/∂x, shape (d0, d_ell)
            if ell < len(Ws):
                h, slope = activate(z, activation)
                jac = jac * slope
        S += np.abs(jac[:, output_index])
    S /= M
    return S / S.sum() if normalize else S


def permutation_importance(predict, X, y, perms):
    # every shuffled copy stacked into ONE call of predict
    d, R, M = perms.shape
    copies = np.repeat(X[None, None], R, axis=1).repeat(d, axis=0)      # (d, R, M, d)
    for i in range(d):
        copies[i, :, :, i] = X[perms[i], i]
    preds = predict(np.concatenate([X, copies.reshape(-1, d)]))
    base = 0.5 * np.mean((y - preds[:M]) ** 2)
    shuffled = 0.5 * np.mean((y - preds[M:].reshape(d, R, M)) ** 2, axis=2)
    return (shuffled - base).mean(axis=1)


def occlusion_importance(predict, X, y):
    M, d = X.shape
    stack = np.tile(X, (d + 1, 1, 1))
    stack[np.arange(1, d + 1), :, np.arange(d)] = X.mean(axis=0)[:, None]
    preds = predict(stack.reshape(-1, d)).reshape(d + 1, M)
    loss = 0.5 * np.mean((y - preds) ** 2, axis=1)
    return loss[1:] - loss[0]


def integrated_gradients(grad_fn, x, x_base, n_steps):
    # one batched call of grad_fn on all path points
    alphas = (2 * np.arange(n_steps) + 1) / (2 * n_steps)
    points = x_base[None, :] + alphas[:, None] * (x - x_base)[None, :]
    return (x - x_base) * grad_fn(points).mean(axis=0)
'''


def test_alternative_implementations_get_full_marks():
    report = grade("ch12", with_replaced("ch12", ALT))
    assert report.ok, failures(report)
    assert report.score == report.max_score
