"""Chapter 22 references against independent oracles: scipy's solve_ivp
(DOP853, rtol = atol = 1e-13) for the ODE solvers and the ResNet limit; torch
autograd through a fine RK4 solve (discretise-then-optimise, n = 2000) for the
continuous adjoint; scipy's expm and torch.autograd.functional.jacobian of the
RK4 flow map for the flow Jacobian, and a closed form for a diagonal tanh
field; closed forms and torch's own second derivatives for the Deep Galerkin
objective; and the grader's closed forms checked against torch."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp
from scipy.linalg import expm

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from support import course, grader_helpers, mutant_source, mutants, reference  # noqa: E402

from mathdl_cli.solutions import load_module  # noqa: E402

R = reference("ch22")
H = grader_helpers("ch22")
torch.set_default_dtype(torch.float64)


def _mutant(name):
    (m,) = [m for m in mutants(course, course.chapter("ch22")) if m.name == name]
    return load_module(f"mutant_{name}", mutant_source(course, m))


def _ivp(field, x0, t0, T):
    """x(T) for a Field on a batch, by DOP853."""
    shape = x0.shape
    sol = solve_ivp(lambda t, y: field.local(t, y.reshape(shape)).ravel(), (t0, T), x0.ravel(), method="DOP853", rtol=1e-13, atol=1e-13)
    assert sol.success
    return sol.y[:, -1].reshape(shape)


# -- ODE solvers -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_solvers_converge_to_solve_ivp(seed):
    rng = np.random.default_rng(seed)
    f, x0, t0, T = H.order_case(rng)
    truth = _ivp(f, x0, t0, T)
    np.testing.assert_allclose(R.rk4(f, x0, t0, T, H.TRUTH_N)[-1], truth, atol=1e-11)  # the graders' "truth"
    e_eul = [np.linalg.norm(R.euler(f, x0, t0, T, n)[-1] - truth) for n in H.EULER_NS]
    e_rk4 = [np.linalg.norm(R.rk4(f, x0, t0, T, n)[-1] - truth) for n in H.RK4_NS]
    assert abs(R.empirical_order(np.array(e_eul), 1 / np.array(H.EULER_NS)) - 1) < 0.1
    assert abs(R.empirical_order(np.array(e_rk4), 1 / np.array(H.RK4_NS)) - 4) < 0.1


def test_solver_shapes_and_backwards():
    rng = np.random.default_rng(9)
    f = H.tanh_field(rng, (3,))
    x0 = rng.standard_normal(3)
    out = R.rk4(f, x0, 1.0, -0.5, 300)
    assert out.shape == (301, 3) and np.array_equal(out[0], x0)
    np.testing.assert_allclose(out[-1], _ivp(f, x0, 1.0, -0.5), atol=1e-10)
    assert R.euler(f, x0, 0.0, 1.0, 1).shape == (2, 3)
    assert len(f.times) == 4 * 300 + 1


def test_empirical_order_vs_lstsq():
    rng = np.random.default_rng(1)
    hs, errs = rng.uniform(0.01, 1, 6), rng.uniform(1e-8, 1, 6)
    A = np.column_stack([np.log(hs), np.ones(6)])
    slope = np.linalg.lstsq(A, np.log(errs), rcond=None)[0][0]
    assert np.isclose(R.empirical_order(errs, hs), slope, rtol=1e-12)


def test_rk4_polynomial_is_one_step():
    A = np.random.default_rng(2).standard_normal((3, 3))
    x0 = np.ones(3)
    np.testing.assert_allclose(R.rk4(H.Field((3,), A=A), x0, 0.0, 0.3, 1)[1], H.rk4_polynomial(0.3 * A) @ x0, rtol=1e-14)


# -- ResNets -------------------------------------------------------------------------------


def test_resnet_is_euler_and_converges():
    rng = np.random.default_rng(4)
    theta = H.smooth_theta(rng, 3)
    x0 = rng.standard_normal((5, 3))
    truth = _ivp(H.theta_field(theta, (5, 3)), x0, 0.0, 1.0)
    errs = []
    for L in (16, 32, 64):
        thetas = [theta(l / L) for l in range(L)]
        out = R.resnet_forward(x0, thetas, 1 / L)
        np.testing.assert_allclose(out, R.euler(H.piecewise_field(thetas, 1 / L, (5, 3)), x0, 0.0, 1.0, L), rtol=1e-13, atol=1e-14)
        errs.append(np.linalg.norm(out[-1] - truth))
    assert 1.9 < errs[0] / errs[1] < 2.1 and 1.9 < errs[1] / errs[2] < 2.1


# -- adjoint -------------------------------------------------------------------------------


def _torch_loss(W, b, X0, Y, T, n):
    """L through an RK4 solve in torch: autograd gives the discretise-then-optimise gradient."""
    Wt = torch.tensor(W, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    X = torch.tensor(X0)
    h = T / n

    def f(X):
        return torch.tanh(X @ Wt.T + bt)

    for _ in range(n):
        k1 = f(X)
        k2 = f(X + h / 2 * k1)
        k3 = f(X + h / 2 * k2)
        k4 = f(X + h * k3)
        X = X + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    L = 0.5 * ((X - torch.tensor(Y)) ** 2).sum() / X0.shape[0]
    gW, gb = torch.autograd.grad(L, (Wt, bt))
    return float(L.detach()), gW.numpy(), gb.numpy()


@pytest.mark.parametrize("seed", range(3))
def test_adjoint_vs_autograd_through_fine_solve(seed):
    rng = np.random.default_rng(seed)
    d, Nb = [(3, 4), (1, 1), (4, 2)][seed]
    W, b, X0, Y = H.adjoint_case(rng, d, Nb, scale=1.5)
    L, gW, gb = R.neural_ode_adjoint_grad(W, b, X0, Y, 1.0, 200)
    Lt, gWt, gbt = _torch_loss(W, b, X0, Y, 1.0, 2000 if seed == 0 else 1000)
    assert np.isclose(L, Lt, rtol=1e-9)
    np.testing.assert_allclose(gW, gWt, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gb, gbt, rtol=1e-6, atol=1e-9)


def test_adjoint_bugs_are_far_from_autograd():
    rng = np.random.default_rng(5)
    W, b, X0, Y = H.adjoint_case(rng, 3, 3)
    _, gWt, gbt = _torch_loss(W, b, X0, Y, 1.0, 400)
    for name in ("adjoint_sign", "jacobian_not_transposed", "param_grad_at_T", "time_not_reversed"):
        _, gW, gb = _mutant(name).neural_ode_adjoint_grad(W, b, X0, Y, 1.0, 200)
        assert np.abs(gW - gWt).max() > 1e-3 * np.abs(gWt).max(), name


def test_constant_field_closed_form_vs_autograd():
    rng = np.random.default_rng(6)
    _, b, X0, Y = H.adjoint_case(rng, 3, 2)
    W = np.zeros((3, 3))
    T = 0.7
    XT = X0 + T * np.tanh(b)
    SA = (1 - np.tanh(b) ** 2) * (XT - Y) / 2
    _, gWt, gbt = _torch_loss(W, b, X0, Y, T, 7)
    np.testing.assert_allclose(SA.T @ (T * X0 + T**2 / 2 * np.tanh(b)), gWt, rtol=1e-12)
    np.testing.assert_allclose(T * SA.sum(axis=0), gbt, rtol=1e-12)


# -- Liouville ------------------------------------------------------------------------------


def test_linear_flow_vs_expm():
    A = np.random.default_rng(3).standard_normal((3, 3))
    J, ell = R.flow_jacobian(H.JacobianField(2, 3, A=A), np.ones((2, 3)), 0.9, 400)
    np.testing.assert_allclose(J[0], expm(0.9 * A), rtol=1e-10, atol=1e-12)
    assert np.isclose(np.linalg.det(J[1]), math.exp(0.9 * np.trace(A)), rtol=1e-10)
    np.testing.assert_allclose(ell, 0.9 * np.trace(A), rtol=1e-13)


def test_flow_jacobian_vs_torch_jacobian_of_flow_map():
    rng = np.random.default_rng(8)
    field = H.liouville_field(rng, 1, 3)
    x0 = rng.standard_normal((1, 3))
    n, T = 50, 1.0
    W, b = torch.tensor(field.W), torch.tensor(field.b)

    def flow(x):
        h = T / n
        for _ in range(n):
            f = lambda y: torch.tanh(W @ y + b)  # noqa: E731
            k1 = f(x)
            k2 = f(x + h / 2 * k1)
            k3 = f(x + h / 2 * k2)
            k4 = f(x + h * k3)
            x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        return x

    Jt = torch.autograd.functional.jacobian(flow, torch.tensor(x0[0])).numpy()
    J, ell = R.flow_jacobian(field, x0, T, n)
    # RK4 on the variational equation is exactly the derivative of the RK4 flow map
    np.testing.assert_allclose(J[0], Jt, rtol=1e-11, atol=1e-13)


def test_diagonal_tanh_closed_form():
    """f(x) = tanh(w ⊙ x) componentwise: sinh(w x(t)) = sinh(w x0) e^{wt}, so
    J = diag(e^{wT} cosh(w x0)/cosh(w x_T)) and ∫ tr = Σ_i log det of it."""
    rng = np.random.default_rng(12)
    w = rng.uniform(-1.5, 1.5, 3)
    x0 = rng.standard_normal((2, 3))
    field = H.JacobianField(2, 3, W=np.diag(w), b=np.zeros(3))
    J, ell = R.flow_jacobian(field, x0, 1.0, 200)
    xT = np.arcsinh(np.sinh(w * x0) * np.exp(w)) / w
    diag = np.exp(w) * np.cosh(w * x0) / np.cosh(w * xT)
    for i in range(2):
        np.testing.assert_allclose(J[i], np.diag(diag[i]), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ell, np.log(diag).sum(axis=1), rtol=1e-9)


def test_liouville_identity_and_trace_order_reference():
    rng = np.random.default_rng(13)
    field = H.liouville_field(rng, 4, 3)
    x0 = rng.standard_normal((4, 3))
    J, ell = R.flow_jacobian(field, x0, 1.0, 40)
    assert np.abs(np.linalg.slogdet(J)[1] - ell).max() < 2e-6
    truth = R.flow_jacobian(field, x0, 1.0, 400)[1]
    errs = [np.linalg.norm(R.flow_jacobian(field, x0, 1.0, n)[1] - truth) for n in H.TRACE_NS]
    assert abs(H.fitted_order(errs, 1 / np.array(H.TRACE_NS)) - 4) < 0.3
    left = _mutant("left_riemann_trace")
    errs = [np.linalg.norm(left.flow_jacobian(field, x0, 1.0, n)[1] - truth) for n in H.TRACE_NS]
    assert abs(H.fitted_order(errs, 1 / np.array(H.TRACE_NS)) - 1) < 0.3


# -- calibration of the theory checks (the full sweeps: bench/ch22_calibration.py) ----------------


def cal_orders(mod, seed):
    """The ode_solvers grader's fitted orders (Euler, RK4) on the problem drawn from seed."""
    f, x0, t0, T = H.order_case(np.random.default_rng(seed))
    truth = R.rk4(f, x0, t0, T, H.TRUTH_N)[-1]
    out = []
    for name, ns in (("euler", H.EULER_NS), ("rk4", H.RK4_NS)):
        errs = [np.linalg.norm(getattr(mod, name)(f, x0, t0, T, n)[-1] - truth) for n in ns]
        out.append(H.fitted_order(errs, (T - t0) / np.array(ns, dtype=np.float64)))
    return out


def cal_resnet_ratios(mod, seed):
    """The resnet_euler grader's error ratios for L = 16 → 32 and 32 → 64."""
    rng = np.random.default_rng(seed)
    theta = H.smooth_theta(rng, 3)
    x0 = rng.standard_normal((5, 3))
    truth = R.rk4(H.theta_field(theta, (5, 3)), x0, 0.0, 1.0, H.TRUTH_N)[-1]
    e = [np.linalg.norm(mod.resnet_forward(x0, [theta(l / L) for l in range(L)], 1 / L)[-1] - truth) for L in (16, 32, 64)]
    return e[0] / e[1], e[1] / e[2]


def cal_liouville(mod, seed):
    """The liouville grader's max |log|det J| - ∫ tr| at n = 40 and the fitted order of the trace integral."""
    rng = np.random.default_rng(seed)
    field = H.liouville_field(rng, 4, 3)
    J, ell = mod.flow_jacobian(field, rng.standard_normal((4, 3)), 1.0, 40)
    gap = float(np.abs(np.linalg.slogdet(J)[1] - ell).max())
    field = H.liouville_field(rng, 3, 2)
    x0 = rng.standard_normal((3, 2))
    truth = R.flow_jacobian(field, x0, 1.0, 400)[1]
    errs = [np.linalg.norm(mod.flow_jacobian(field, x0, 1.0, n)[1] - truth) for n in H.TRACE_NS]
    return gap, H.fitted_order(errs, 1 / np.array(H.TRACE_NS, dtype=np.float64))


def test_theory_windows_calibration_short():
    """8 seeds of each theory check on the reference (bench/ch22_calibration.py runs 1000):
    the orders within ±0.1 of 1 and 4 (window ±0.15), the ResNet ratios in [1.85, 2.15]
    (window [1.8, 2.2]), the Liouville gap below 1e-6 (threshold 2e-6) and the trace
    order within ±0.5 of 4 (window ±1)."""
    seeds = range(100, 108)
    o = np.array([cal_orders(R, s) for s in seeds])
    assert np.abs(o - [1, 4]).max() < 0.1, o
    r = np.array([cal_resnet_ratios(R, s) for s in seeds])
    assert 1.85 < r.min() and r.max() < 2.15, r
    lv = np.array([cal_liouville(R, s) for s in seeds])
    assert lv[:, 0].max() < 1e-6 and np.abs(lv[:, 1] - 4).max() < 0.5, lv


def test_theory_windows_have_power():
    """The windows reject the mutants they target: RK4 with equal weights or stages at t
    (order ≈ 2 and ≈ 1), and the trace by a left Riemann sum (order ≈ 1, identity gap ≫ 2e-6)."""
    for name in ("rk4_equal_weights", "rk4_stages_at_t"):
        assert all(abs(cal_orders(_mutant(name), s)[1] - 4) > 0.15 for s in range(2)), name
    left = _mutant("left_riemann_trace")
    assert all(g > 2e-6 and abs(p - 4) > 1.0 for g, p in (cal_liouville(left, s) for s in range(2)))


# -- Deep Galerkin -------------------------------------------------------------------------------


def _theta_t(theta):
    return {k: torch.tensor(np.asarray(v, dtype=np.float64)) for k, v in theta.items()}


def test_heat_trial_exact_solution_and_torch_second_derivative():
    rng = np.random.default_rng(0)
    theta = H.dgm_theta(rng, 3, a=1.0, eps=0.0, C_scale=0.0)
    t, x, tb, x0 = (torch.tensor(a) for a in H.dgm_samples(rng, 30, 5, 5))
    u = lambda tt, xx: R.heat_trial(_theta_t(theta), tt, xx)  # noqa: E731
    np.testing.assert_allclose(u(t, x).numpy(), (torch.exp(-t) * torch.sin(x)).numpy(), rtol=1e-15)
    assert float(R.dgm_loss(u, t, x, tb, x0).detach()) <= 1e-24
    # autograd's u_xx of a network trial function against central differences in x
    th2 = _theta_t(H.dgm_theta(rng, 4, a=0.7, eps=0.4))
    xr = x.clone().requires_grad_(True)
    (ux,) = torch.autograd.grad(R.heat_trial(th2, t, xr).sum(), xr, create_graph=True)
    (uxx,) = torch.autograd.grad(ux.sum(), xr)
    h = 1e-4
    fd = (R.heat_trial(th2, t, x + h) - 2 * R.heat_trial(th2, t, x) + R.heat_trial(th2, t, x - h)) / h**2
    np.testing.assert_allclose(uxx.numpy(), fd.numpy(), rtol=1e-5, atol=1e-6)  # O(h²) + rounding/h² ≈ 1e-8


def test_bump_closed_form_vs_reference():
    """a = 1, C = 0: J = ε² mean(x(π - x) + 2t)² in closed form, for the reference and the graders' formula."""
    rng = np.random.default_rng(1)
    for eps in (0.3, -1.2):
        theta = H.dgm_theta(rng, 5, a=1.0, eps=eps, C_scale=0.0)
        samples = H.dgm_samples(rng, 40, 6, 8)
        t, x = samples[0][:, 0], samples[1][:, 0]
        J_bump = eps**2 * np.mean((x * (np.pi - x) + 2 * t) ** 2)
        for J, grads in (R.dgm_objective(theta, *samples), H.dgm_closed_form(theta, *samples)):
            assert np.isclose(J, J_bump, rtol=1e-12)
            assert np.isclose(grads["eps"], 2 * J_bump / eps, rtol=1e-12)
            assert np.abs(grads["W"]).max() == 0 and np.abs(grads["b"]).max() == 0  # they multiply C = 0


@pytest.mark.parametrize("seed", range(6))
def test_dgm_closed_form_vs_torch_reference(seed):
    """The graders' numpy J and ∇_θ J (hand-derived derivatives of the trial family) against
    torch autograd through the reference; N = 1 and single samples included."""
    rng = np.random.default_rng(seed)
    N = [1, 2, 4, 7, 3, 5][seed]
    theta = H.dgm_theta(rng, N, a=float(rng.uniform(-2, 2)), eps=float(rng.uniform(-1, 1)), C_scale=float(rng.uniform(0.1, 3)))
    samples = H.dgm_samples(rng, *([1, 1, 1] if seed == 0 else [int(v) for v in rng.integers(2, 40, 3)]))
    J, grads = R.dgm_objective(theta, *samples)
    Jc, gc = H.dgm_closed_form(theta, *samples)
    assert J > 1e-6 and np.isclose(Jc, J, rtol=1e-12)
    for k in grads:
        assert gc[k].shape == np.shape(grads[k])
        np.testing.assert_allclose(gc[k], grads[k], rtol=1e-11, atol=1e-14)


def test_dgm_objective_vs_finite_differences_and_interior_closed_form():
    rng = np.random.default_rng(2)
    theta = H.dgm_theta(rng, 3, a=0.9, eps=0.2)
    samples = H.dgm_samples(rng, 10, 4, 5)
    J, grads = R.dgm_objective(theta, *samples)
    for k in ("a", "C", "W"):
        base = np.asarray(theta[k], dtype=np.float64)
        idx = (0,) * base.ndim
        up, dn = dict(theta), dict(theta)
        up[k], dn[k] = base.copy(), base.copy()
        up[k][idx] += 1e-6
        dn[k][idx] -= 1e-6
        fd = (R.dgm_objective(up, *samples)[0] - R.dgm_objective(dn, *samples)[0]) / 2e-6
        assert np.isclose(grads[k][idx], fd, rtol=1e-6, atol=1e-9)
    # the interior residual of the network part by the closed form (∂_t - ∂_xx) tanh z = W0 s + 2 W1² tanh z s
    th = _theta_t(dict(theta, a=np.array(0.0), eps=np.array(0.0)))
    t, x = torch.tensor(samples[0]), torch.tensor(samples[1])
    z = t * th["W"][:, 0] + x * th["W"][:, 1] + th["b"]
    s = 1 - torch.tanh(z) ** 2
    r = ((th["W"][:, 0] * s + 2 * th["W"][:, 1] ** 2 * torch.tanh(z) * s) @ th["C"] / math.sqrt(3)).numpy()
    tr, xr = t.clone().requires_grad_(True), x.clone().requires_grad_(True)
    U = R.heat_trial(th, tr, xr)
    ut, ux = torch.autograd.grad(U.sum(), (tr, xr), create_graph=True)
    (uxx,) = torch.autograd.grad(ux.sum(), xr)
    np.testing.assert_allclose((ut - uxx).detach().numpy()[:, 0], r, rtol=1e-12, atol=1e-14)


def test_retained_graph_mutant_has_right_J_wrong_gradient():
    """The bug the gradient check exists for: J agrees, ∇_θ J does not."""
    rng = np.random.default_rng(3)
    theta = H.dgm_theta(rng, 3, a=0.9, eps=0.2)
    samples = H.dgm_samples(rng, 10, 4, 5)
    J, g = R.dgm_objective(theta, *samples)
    Jm, gm = _mutant("second_derivative_retained").dgm_objective(theta, *samples)
    assert np.isclose(J, Jm, rtol=1e-14)
    assert max(np.abs(g[k] - gm[k]).max() for k in g) > 1e-3
