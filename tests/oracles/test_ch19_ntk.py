"""Chapter 19 references against independent oracles: torch.func.jacrev over
functional_call (the empirical NTK), scipy.integrate.quad over the angle and Monte
Carlo with 10⁶ neurons (the arc-cosine kernel), scipy.linalg.expm and solve_ivp
(the kernel-regime ODE), torch autograd gradient descent (train_wide_net); the
graders' own oracles (complex-step Jacobian, Monte Carlo kernel, linearised GD);
the calibration of the statistical checks on the reference (short versions; the
full sweeps are in bench/calibrate_wide_networks.py) and their power on mutants."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.integrate import quad, solve_ivp
from scipy.linalg import expm

from mathdl_cli.solutions import load_module, mutant_source, mutants
from support import course, grader_helpers, reference

R = reference("ch19")
H = grader_helpers("ch19", "_helpers")
torch.set_default_dtype(torch.float64)

TORCH_ACT = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "softplus": torch.nn.functional.softplus,
    "identity": lambda z: z,
}


def _mutant(name):
    (m,) = [m for m in mutants(course, course.chapter("ch19")) if m.name == name]
    return load_module(f"mutant_ch19_{name}", mutant_source(course, m))


class TwoLayer(torch.nn.Module):
    """g(x) = N^{-γ} Σ c^i σ(w^i·x) as a torch module with parameters c (N,) and W (N, d)."""

    def __init__(self, N, d, act, gamma=0.5):
        super().__init__()
        self.c = torch.nn.Parameter(torch.zeros(N))
        self.W = torch.nn.Parameter(torch.zeros(N, d))
        self.act, self.gamma = TORCH_ACT[act], gamma

    def forward(self, X):
        return self.act(X @ self.W.T) @ self.c * self.c.shape[0] ** (-self.gamma)


# -- empirical_ntk ------------------------------------------------------------------------------


@pytest.mark.parametrize("act", sorted(TORCH_ACT))
@pytest.mark.parametrize("N,d,n1,n2", [(1, 2, 1, 3), (7, 3, 4, 5), (300, 5, 6, 2)])
def test_empirical_ntk_vs_jacrev(act, N, d, n1, n2):
    rng = np.random.default_rng(N + d)
    c, W = rng.standard_normal(N), rng.standard_normal((N, d))
    X1, X2 = rng.standard_normal((n1, d)), rng.standard_normal((n2, d))
    model = TwoLayer(N, d, act)
    params = {"c": torch.tensor(c), "W": torch.tensor(W)}

    def jac(X):
        J = torch.func.jacrev(lambda p: torch.func.functional_call(model, p, (torch.tensor(X),)))(params)
        return torch.cat([J["c"], J["W"].reshape(X.shape[0], -1)], dim=1).numpy()

    want = jac(X1) @ jac(X2).T
    np.testing.assert_allclose(R.empirical_ntk(c, W, X1, X2, act), want, rtol=1e-11, atol=1e-13)


def test_complex_step_jacobian_vs_jacrev():
    """The grader's oracle for empirical_ntk agrees with autograd."""
    rng = np.random.default_rng(5)
    c, W, X = rng.standard_normal(6), rng.standard_normal((6, 4)), rng.standard_normal((3, 4))
    model = TwoLayer(6, 4, "tanh")
    J = torch.func.jacrev(lambda p: torch.func.functional_call(model, p, (torch.tensor(X),)))({"c": torch.tensor(c), "W": torch.tensor(W)})
    want = torch.cat([J["c"], J["W"].reshape(3, -1)], dim=1).numpy()
    np.testing.assert_allclose(H.tanh_net_jacobian(c, W, X), want, rtol=1e-13, atol=1e-15)


def test_provided_network_vs_torch():
    rng = np.random.default_rng(2)
    c, W, X = rng.standard_normal(9), rng.standard_normal((9, 3)), rng.standard_normal((4, 3))
    for act in ("tanh", "relu"):
        for gamma in (0.5, 1.0):
            model = TwoLayer(9, 3, act, gamma)
            got = torch.func.functional_call(model, {"c": torch.tensor(c), "W": torch.tensor(W)}, (torch.tensor(X),))
            np.testing.assert_allclose(H.two_layer(c, W, X, act, gamma), got.detach().numpy(), rtol=1e-13, atol=1e-14)


# -- limit_ntk_relu -----------------------------------------------------------------------------


def _quad_kernel(x, xp):
    """A(x, x') by quadrature over the direction of w in the plane of x and x'.

    The projection of w ~ N(0, I_d) on span{x, x'} is ρ(cos θ, sin θ) with θ uniform and
    E ρ² = 2, so E[ReLU(w·x)ReLU(w·x')] = (1/π) ∫_0^{2π} ReLU(u_θ·x) ReLU(u_θ·x') dθ and
    E[1{w·x>0}1{w·x'>0}] = (1/(2π)) ∫ 1{u_θ·x>0} 1{u_θ·x'>0} dθ."""
    nx, nxp = np.linalg.norm(x), np.linalg.norm(xp)
    if nx == 0 or nxp == 0:
        return 0.0
    e1 = x / nx
    v = xp - (xp @ e1) * e1
    e2 = v / np.linalg.norm(v) if np.linalg.norm(v) > 1e-14 else np.zeros_like(x)
    a, b = np.array([x @ e1, x @ e2]), np.array([xp @ e1, xp @ e2])  # coordinates in the plane

    def u(th):
        return np.array([np.cos(th), np.sin(th)])

    kinks = sorted({(np.arctan2(p[1], p[0]) + s) % (2 * np.pi) for p in (a, b) for s in (np.pi / 2, -np.pi / 2)})
    relu = quad(lambda th: max(u(th) @ a, 0) * max(u(th) @ b, 0), 0, 2 * np.pi, points=kinks, epsabs=1e-13, epsrel=1e-13, limit=200)[0] / np.pi
    step = quad(lambda th: float(u(th) @ a > 0) * float(u(th) @ b > 0), 0, 2 * np.pi, points=kinks, epsabs=1e-13, epsrel=1e-13, limit=200)[0] / (2 * np.pi)
    return relu + step * (x @ xp)


@pytest.mark.parametrize("seed", range(4))
def test_limit_kernel_vs_quad(seed):
    rng = np.random.default_rng(seed)
    d = 2 + seed
    X1 = rng.standard_normal((3, d)) * rng.uniform(0.3, 3.0, (3, 1))
    X2 = np.vstack([rng.standard_normal((2, d)), -0.5 * X1[0], X1[1] * 2.0])
    want = np.array([[_quad_kernel(x, xp) for xp in X2] for x in X1])
    np.testing.assert_allclose(R.limit_ntk_relu(X1, X2), want, rtol=1e-9, atol=1e-10)


def test_limit_kernel_vs_monte_carlo_million():
    """10⁶ Gaussian neurons with c sampled too (not E c² = 1), within 6 standard errors."""
    rng = np.random.default_rng(11)
    X1, X2 = rng.standard_normal((3, 3)), rng.standard_normal((4, 3))
    S = 1_000_000
    c, W = rng.standard_normal(S), rng.standard_normal((S, 3))
    Z1, Z2 = X1 @ W.T, X2 @ W.T
    terms = np.maximum(Z1, 0)[:, None, :] * np.maximum(Z2, 0)[None, :, :] + (c**2) * (Z1 > 0)[:, None, :] * (Z2 > 0)[None, :, :] * (X1 @ X2.T)[:, :, None]
    mean, se = terms.mean(axis=2), terms.std(axis=2) / np.sqrt(S)
    assert np.all(np.abs(R.limit_ntk_relu(X1, X2) - mean) <= 6 * se)
    # and the empirical NTK of a network of that width (the same sum, by the chapter's function)
    np.testing.assert_allclose(R.empirical_ntk(c, W, X1, X2, "relu"), mean, rtol=1e-10, atol=1e-12)


def test_limit_kernel_arccos_form_agrees_with_kahan():
    """The docstring's arccos(clip(cos)) form and the reference's atan2 form agree to the
    graders' tolerance (rtol 1e-8, atol 1e-7) on the graders' hard cases (pairs parallel
    or antipodal exactly or up to 1e-7, norms ≤ 3). Near φ = π, arccos loses half its
    digits: at an exact antipode whose computed cosine rounds to -1 + 2e-16 the error is
    about 5e-9·‖x‖‖x'‖ (4.3e-8 at norms 3), which is why atol is not smaller."""
    rng = np.random.default_rng(4)
    X1 = rng.standard_normal((40, 3)) * rng.uniform(0.3, 3.0, (40, 1))
    X1 *= np.minimum(1.0, 3.0 / np.linalg.norm(X1, axis=1))[:, None]

    def arccos_form(X1, X2):
        G = X1 @ X2.T
        P = np.outer(np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1))
        phi = np.arccos(np.clip(G / P, -1, 1))
        return P / (2 * np.pi) * (np.sin(phi) + (np.pi - phi) * np.cos(phi)) + (np.pi - phi) / (2 * np.pi) * G, P

    tol = course.chapter("ch19").exercise("limit_ntk_relu").tol()
    X2 = np.vstack([X1 * 1.7 + 1e-7 * rng.standard_normal(X1.shape), -X1 * 0.8 + 1e-7 * rng.standard_normal(X1.shape), X1, -X1])
    a, _ = arccos_form(X1, X2)
    ref = R.limit_ntk_relu(X1, X2)
    assert np.all(np.abs(a - ref) <= tol.atol + tol.rtol * np.abs(ref))
    assert np.abs(a - ref).max() > 1e-12  # the cases are hard enough to tell the forms apart
    X3 = -X1 * 0.8 + 1e-9 * rng.standard_normal(X1.shape)
    a, P = arccos_form(X1, X3)
    assert np.abs(a - R.limit_ntk_relu(X1, X3)).max() / P.max() < 5e-9


def _mc_z(module, seed):
    rng = np.random.default_rng(seed)
    X1 = rng.standard_normal((5, 3)) * rng.uniform(0.5, 2.0, (5, 1))
    X2 = rng.standard_normal((4, 3)) * rng.uniform(0.5, 2.0, (4, 1))
    W = rng.standard_normal((20_000, 3))
    mean, se = H.relu_kernel_mc(X1, X2, W)
    return ((module.limit_ntk_relu(X1, X2) - mean) / se).ravel()


def test_monte_carlo_check_calibration():
    """The Monte Carlo check's z-scores on the reference over 200 seeds: none beyond 6,
    and standard normal (so the standard error is right)."""
    z = np.concatenate([_mc_z(R, s) for s in range(200)])
    assert np.abs(z).max() < 6.0
    assert abs(z.mean()) < 0.05 and 0.93 < z.std() < 1.07, (z.mean(), z.std())  # 4000 correlated draws


@pytest.mark.parametrize("name", ["missing_order0", "phi_for_pi_minus_phi"])
def test_monte_carlo_check_power(name):
    module = _mutant(name)
    assert all(np.abs(_mc_z(module, s)).max() > 6.0 for s in range(20))


def test_cos_outside_makes_unclipped_arccos_nan():
    rng = np.random.default_rng(0)
    X = H.cos_outside(rng, 4, 3, 1.0)
    with np.errstate(invalid="ignore"):
        assert np.isnan(_mutant("no_clip").limit_ntk_relu(X, X)).any()
    Y = H.cos_outside(rng, 2, 3, -1.0)
    with np.errstate(invalid="ignore"):
        assert np.isnan(_mutant("no_clip").limit_ntk_relu(Y, -2 * Y)).any()


# -- kernel_regime_prediction -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("M,n", [(1, 1), (4, 3), (7, 2)])
def test_ntk_predict_vs_expm_and_solve_ivp(M, n, seed):
    rng = np.random.default_rng(seed)
    A, B = H.joint_kernel(rng, M, n)
    h0, h0x, y = rng.standard_normal(M), rng.standard_normal(n), rng.standard_normal(M)
    alpha, t = 1.3, 2.5
    s = alpha * t / M
    E = expm(-s * A)
    want_train = y - E @ (y - h0)
    want_test = h0x + B @ np.linalg.solve(A, (np.eye(M) - E) @ (y - h0))
    got = R.ntk_predict(A, B, h0, h0x, y, alpha, t)
    np.testing.assert_allclose(got[0], want_train, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[1], want_test, rtol=1e-9, atol=1e-11)

    def rhs(_, h):  # the ODE on train and test outputs together
        r = y - h[:M]
        return (alpha / M) * np.concatenate([A @ r, B @ r])

    sol = solve_ivp(rhs, (0, t), np.concatenate([h0, h0x]), method="DOP853", rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.concatenate(got), sol.y[:, -1], rtol=1e-9, atol=1e-10)


def test_ntk_predict_singular_vs_solve_ivp_and_augmented_expm():
    """A singular kernel: the ODE solution, and the integral ∫_0^s e^{-uA} du from the
    exponential of the augmented matrix [[-A, I], [0, 0]] (Van Loan), without A⁻¹."""
    rng = np.random.default_rng(7)
    M, n = 5, 3
    A, B = H.joint_kernel(rng, M, n, rank=2)
    assert np.linalg.matrix_rank(A) == 2
    h0, h0x, y = rng.standard_normal(M), rng.standard_normal(n), rng.standard_normal(M)
    alpha, t = 0.8, 4.0
    s = alpha * t / M
    aug = np.zeros((2 * M, 2 * M))
    aug[:M, :M], aug[:M, M:] = -A * s, np.eye(M) * s
    integral = expm(aug)[:M, M:]  # ∫_0^s e^{-uA} du = φ_s(A)
    got = R.ntk_predict(A, B, h0, h0x, y, alpha, t)
    np.testing.assert_allclose(got[1], h0x + B @ integral @ (y - h0), rtol=1e-9, atol=1e-11)

    def rhs(_, h):
        r = y - h[:M]
        return (alpha / M) * np.concatenate([A @ r, B @ r])

    sol = solve_ivp(rhs, (0, t), np.concatenate([h0, h0x]), method="DOP853", rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.concatenate(got), sol.y[:, -1], rtol=1e-9, atol=1e-10)
    with pytest.raises(np.linalg.LinAlgError):  # the repeated training point makes A exactly singular
        np.linalg.solve(A, y)


def test_ntk_predict_tiny_eigenvalues_without_cancellation():
    """φ_s(λ) for sλ around 1e-14..1e-6 agrees with the series s(1 - sλ/2 + (sλ)²/6)."""
    lam = np.array([0.0, 1e-16, 1e-13, 1e-10, 1e-7, 0.5])
    decay, phi = R._phi_exp(lam, 2.0)
    sl = 2.0 * lam
    series = 2.0 * (1 - sl / 2 + sl**2 / 6 - sl**3 / 24)
    np.testing.assert_allclose(phi[:5], series[:5], rtol=1e-15)
    assert np.isclose(phi[5], (1 - np.exp(-1.0)) / 0.5, rtol=1e-15)


# -- wide_network_tracks_kernel -----------------------------------------------------------------


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid"])
def test_train_wide_net_vs_torch_gradient_descent(act):
    rng = np.random.default_rng(3)
    N, d, M = 40, 3, 6
    c0, W0 = rng.standard_normal(N), rng.standard_normal((N, d))
    X, y, Xt = rng.standard_normal((M, d)), rng.standard_normal(M), rng.standard_normal((2, d))
    model = TwoLayer(N, d, act)
    with torch.no_grad():
        model.c.copy_(torch.tensor(c0))
        model.W.copy_(torch.tensor(W0))
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    for _ in range(25):
        opt.zero_grad()
        loss = 0.5 * ((torch.tensor(y) - model(torch.tensor(X))) ** 2).mean()
        loss.backward()
        opt.step()
    c, W, pred = R.train_wide_net(c0, W0, X, y, 0.3, 25, Xt, act)
    np.testing.assert_allclose(c, model.c.detach().numpy(), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(W, model.W.detach().numpy(), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(pred, model(torch.tensor(Xt)).detach().numpy(), rtol=1e-11, atol=1e-12)


def test_linearised_gd_oracle_vs_torch_linearised_model():
    """The grader's linearised GD equals gradient descent on the first-order Taylor model
    g_lin(x; θ) = g(x; θ_0) + ∇_θ g(x; θ_0)·(θ - θ_0), built with torch.func.jvp."""
    rng = np.random.default_rng(8)
    N, d, M = 30, 3, 4
    c0, W0 = H.antisymmetric_net(rng, N, d)
    X, y = H.unit_rows(rng, M, d), rng.standard_normal(M)
    X_all = np.vstack([X, H.unit_rows(rng, 2, d)])
    model = TwoLayer(N, d, "tanh")
    p0 = {"c": torch.tensor(c0), "W": torch.tensor(W0)}
    delta = {k: torch.zeros_like(v, requires_grad=True) for k, v in p0.items()}

    def g_lin(Xt, dp):
        f = lambda p: torch.func.functional_call(model, p, (Xt,))  # noqa: E731
        out, tangent = torch.func.jvp(f, (p0,), (dp,))
        return out + tangent

    opt = torch.optim.SGD(delta.values(), lr=0.1)
    for _ in range(30):
        opt.zero_grad()
        (0.5 * ((torch.tensor(y) - g_lin(torch.tensor(X), delta)) ** 2).mean()).backward()
        opt.step()
    want = g_lin(torch.tensor(X_all), delta).detach().numpy()
    theta = R.empirical_ntk(c0, W0, X_all, X, "tanh")
    got = H.linearised_gd(theta, H.two_layer(c0, W0, X_all, "tanh", 0.5), y, 0.1, 30)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def _lazy(module, seed, hidden):
    case = H.lazy_case(np.random.default_rng(seed), hidden)
    runs = [module.train_wide_net(*a) for a in H.sweep_calls(case)]
    st = H.lazy_statistics(case, runs, R.empirical_ntk)
    st["flow"] = H.flow_deviation(case, st["flow_inputs"], R.ntk_predict)
    return st


def _lazy_passes(st, lazy, dev_widest):
    return (abs(st["slope"] - lazy["slope"]) <= lazy["tol"] and st["ratio"] < lazy["ratio"]
            and st["dev"][-1] < dev_widest and st["flow"] < lazy["flow"])


def test_lazy_check_calibration_short():
    """The lazy-training check on the reference for 3 public and 3 hidden seeds (the full
    sweep over 400 seeds is bench/calibrate_wide_networks.py)."""
    lazy = course.chapter("ch19").exercise("wide_network_tracks_kernel").tolerances["lazy"]
    grader = grader_helpers("ch19", "test_wide_network_tracks_kernel")
    for seed in range(3):
        for hidden in (False, True):
            st = _lazy(R, seed, hidden)
            assert _lazy_passes(st, lazy, grader.DEV_WIDEST), (seed, hidden, st["slope"], st["ratio"], st["dev"], st["flow"])
            assert np.log(st["ratio"]) < -1.6 and abs(st["slope"] + 0.5) < 0.04  # well inside the thresholds


@pytest.mark.parametrize("name", ["mean_field_scaling", "predict_initial"])
def test_lazy_check_power(name):
    """The theory check alone catches the scaling and prediction bugs."""
    lazy = course.chapter("ch19").exercise("wide_network_tracks_kernel").tolerances["lazy"]
    grader = grader_helpers("ch19", "test_wide_network_tracks_kernel")
    st = _lazy(_mutant(name), 0, False)
    assert not _lazy_passes(st, lazy, grader.DEV_WIDEST)


# -- ntk_gram_pd ----------------------------------------------------------------------------------


def test_min_eig_vs_scipy_and_closed_forms():
    from scipy.linalg import eigh

    rng = np.random.default_rng(1)
    X = H.unit_rows(rng, 9, 3)
    assert np.isclose(R.min_eig_limit_kernel(X, "relu"), eigh(R.limit_ntk_relu(X, X), eigvals_only=True)[0], rtol=1e-12)
    Y = rng.standard_normal((3, 5))
    assert np.isclose(R.min_eig_limit_kernel(Y, "identity"), 2 * np.linalg.svd(Y, compute_uv=False)[-1] ** 2, rtol=1e-12)
    # the identity kernel is the limit of the empirical NTK of linear networks: E[(w·x)(w·x')] + E c² x·x'
    c, W = rng.standard_normal(400_000), rng.standard_normal((400_000, 5))
    np.testing.assert_allclose(R.empirical_ntk(c, W, Y, Y, "identity"), 2 * Y @ Y.T, rtol=0.03, atol=0.03)


def test_relu_positive_definite_margin_calibration():
    """The public check asks λ_min > 1e-4 for 8 random unit vectors in d = 3: over 1000
    seeds the smallest value is far above it."""
    lams = [R.min_eig_limit_kernel(H.unit_rows(np.random.default_rng(s), 8, 3), "relu") for s in range(1000)]
    assert min(lams) > 1e-3, min(lams)
