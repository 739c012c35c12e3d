"""Chapter 21 references against independent oracles: scipy's linprog for V*
(and the stopping-rule bounds of value iteration), torch autograd for the
Q-network step (with and without detaching the target), a plain scalar
simulation and the closed form for the exit time, torch autograd for the exact
policy gradient and the REINFORCE surrogate; plus the short calibration of the
chapter's statistical checks (the full sweeps: bench/ch21_calibration.py) and
the power of known-wrong variants against them."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from support import course, grader_helpers, mutant_source, mutants, reference  # noqa: E402

from mathdl_cli.solutions import load_module  # noqa: E402

R = reference("ch21")
H = grader_helpers("ch21")
torch.set_default_dtype(torch.float64)


def _mutant(name, exercise=None):
    (m,) = [m for m in mutants(course, course.chapter("ch21")) if m.name == name and exercise in (None, m.exercise)]
    return load_module(f"mutant_{name}", mutant_source(course, m))


def lp_values(P, cost, beta):
    """V* as the LP: maximise Σ_x V(x) subject to V(x) - β Σ_z p(z|x,a) V(z) ≤ c(x, a) for all (x, a)."""
    A, S, _ = P.shape
    rows, rhs = [], []
    for a in range(A):
        for x in range(S):
            row = -beta * P[a, x].copy()
            row[x] += 1.0
            rows.append(row)
            rhs.append(cost[x, a])
    res = linprog(-np.ones(S), A_ub=np.array(rows), b_ub=np.array(rhs), bounds=[(None, None)] * S, method="highs")
    assert res.status == 0
    return res.x


# -- value iteration ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_value_iteration_vs_linprog(seed):
    rng = np.random.default_rng(seed)
    S, A = [(5, 2), (3, 7), (8, 3), (2, 5), (6, 4), (4, 1)][seed]
    beta = [0.5, 0.9, 0.95, 0.0, 0.99, 0.7][seed]
    P, cost = H.random_mdp(rng, S, A, cost_scale=3.0)
    tol = 1e-9
    V_star = lp_values(P, cost, beta)
    V, policy, K = R.value_iteration(P, cost, beta, tol)
    assert policy.dtype == np.int64 and isinstance(K, int)
    assert np.max(np.abs(V - V_star)) <= beta * tol / (1 - beta) + 1e-8  # LP solved to ~1e-9
    V_pol = H.policy_value(P, cost, beta, policy)
    assert np.max(np.abs(V_pol - V_star)) <= 2 * beta**2 * tol / (1 - beta) ** 2 + 1e-8
    # the optimal policy from the LP's values: argmin of Q*
    np.testing.assert_array_equal(policy, H.q_from_v(P, cost, beta, V_star).argmin(axis=1))


def test_bellman_matches_loops():
    rng = np.random.default_rng(3)
    P, cost = H.random_mdp(rng, 4, 6)
    V = rng.standard_normal(4)
    TV, pol = R.bellman_operator(V, P, cost, 0.8)
    for x in range(4):
        q = [cost[x, a] + 0.8 * sum(P[a, x, z] * V[z] for z in range(4)) for a in range(6)]
        assert np.isclose(TV[x], min(q), rtol=1e-14) and pol[x] == int(np.argmin(q))


def test_error_decays_geometrically():
    """‖V_k - V*‖∞ ≤ β^k ‖V_0 - V*‖∞ along the iteration (V_0 = 0), using max_iter to stop at k."""
    rng = np.random.default_rng(11)
    P, cost = H.random_mdp(rng, 5, 3)
    beta = 0.85
    V_star = lp_values(P, cost, beta)
    for k in (1, 5, 20, 60):
        V, _, K = R.value_iteration(P, cost, beta, 1e-300, k)
        assert K == k
        assert np.max(np.abs(V - V_star)) <= beta**k * np.max(np.abs(V_star)) + 1e-8


# -- tabular Q-learning ---------------------------------------------------------------------


def test_q_learning_single_pair_closed_form():
    """One state, one action, cost c, ω = 1: α_k = 1/(k+1). Then Q_k solves
    Q_{k+1} = Q_k + (c + βQ_k - Q_k)/(k+1); with β = 0 it is the running mean of the costs."""
    rng = np.random.default_rng(0)
    costs = rng.uniform(0, 1, 50)
    traj = (np.zeros(50, np.int64), np.zeros(50, np.int64), costs, np.zeros(50, np.int64))
    np.testing.assert_allclose(R.q_learning(1, 1, traj, 0.0, 1.0), [[costs.mean()]], rtol=1e-13)
    # β > 0, constant cost c: the fixed point c/(1-β) is reached from Q0 = c/(1-β) and stays there
    traj_c = (traj[0], traj[1], np.full(50, 0.4), traj[3])
    np.testing.assert_allclose(R.q_learning(1, 1, traj_c, 0.6, 0.7, np.array([[1.0]])), [[1.0]], rtol=1e-14)


def test_q_learning_matches_numpy_loop():
    rng = np.random.default_rng(5)
    P, cost = H.random_mdp(rng, 4, 3)
    xs, acts, cs, nxt = H.trajectory(rng, P, cost, 300)
    Q = rng.standard_normal((4, 3))
    Q0 = Q.copy()
    n = np.zeros((4, 3))
    for x, a, c, z in zip(xs, acts, cs, nxt):
        Q[x, a] += (1 + n[x, a]) ** -0.65 * (c + 0.9 * Q[z].min() - Q[x, a])
        n[x, a] += 1
    np.testing.assert_allclose(R.q_learning(4, 3, (xs, acts, cs, nxt), 0.9, 0.65, Q0), Q, rtol=1e-13)
    np.testing.assert_array_equal(Q0, Q0.copy())


def _q_error(module, seed):
    rng = np.random.default_rng(seed)
    P, cost, beta, omega, traj = H.q_learning_case(rng)
    Q_star = H.q_from_v(P, cost, beta, lp_values(P, cost, beta))
    return H.relative_sup_error(module.q_learning(H.Q_STATES, H.Q_ACTIONS, traj, beta, omega), Q_star)


def test_q_learning_calibration_short():
    """20 seeds of the convergence check (bench/ch21_calibration.py runs 1000): the
    reference stays below 0.04, well under the threshold 0.05."""
    errors = [_q_error(R, seed) for seed in range(20)]
    assert max(errors) < 0.04, max(errors)


@pytest.mark.parametrize("name", ["max_for_min", "bootstrap_current_state"])
def test_q_learning_check_has_power(name):
    mod = _mutant(name, "tabular_q_learning")
    assert all(_q_error(mod, seed) > 0.05 for seed in range(2))


# -- Q-network step ----------------------------------------------------------------------


def _torch_step(C, W, xi, xi_next, cost, beta, lr, detach):
    Ct = torch.tensor(C, requires_grad=True)
    Wt = torch.tensor(W, requires_grad=True)
    N = C.shape[0]

    def Q(F):
        return torch.tanh(torch.tensor(F) @ Wt.T) @ Ct / np.sqrt(N)

    y = cost + beta * Q(xi_next).min()
    if detach:
        y = y.detach()
    loss = 0.5 * (y - Q(xi[None, :])[0]) ** 2
    gC, gW = torch.autograd.grad(loss, (Ct, Wt))
    return C - lr * gC.numpy(), W - lr * gW.numpy()


@pytest.mark.parametrize("seed", range(4))
def test_q_step_vs_torch(seed):
    rng = np.random.default_rng(seed)
    N, p, d_x, A = [(6, 4, 3, 3), (1, 2, 1, 1), (11, 5, 2, 4), (3, 1, 2, 2)][seed]
    C, W = rng.standard_normal(N), rng.standard_normal((N, p))
    fmap = H.FeatureMap(rng, d_x, p)
    x, x_next = rng.standard_normal(d_x), rng.standard_normal(d_x)
    actions = rng.uniform(-1, 1, A)
    a = int(rng.integers(A))
    xi = fmap.local(x[None, :], actions[a : a + 1])[0]
    xi_next = fmap.local(np.tile(x_next, (A, 1)), actions)
    got = R.q_learning_step(C, W, x, a, 0.7, x_next, actions, 0.9, 0.3, fmap)
    assert len(fmap.calls) == 1
    want = _torch_step(C, W, xi, xi_next, 0.7, 0.9, 0.3, detach=True)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
    # the residual gradient (no detach) is a different answer, and it is exactly the mutant's
    resid = _torch_step(C, W, xi, xi_next, 0.7, 0.9, 0.3, detach=False)
    assert max(np.abs(g - r).max() for g, r in zip(got, resid)) > 1e-6
    mut = _mutant("residual_gradient").q_learning_step(C, W, x, a, 0.7, x_next, actions, 0.9, 0.3, fmap)
    for g, w in zip(mut, resid):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)


def test_q_net_vs_torch():
    rng = np.random.default_rng(2)
    C, W, xi = rng.standard_normal(9), rng.standard_normal((9, 4)), rng.standard_normal((6, 4))
    for act, fn in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid)):
        want = (fn(torch.tensor(xi) @ torch.tensor(W).T) @ torch.tensor(C) / 3.0).numpy()
        np.testing.assert_allclose(R.q_net(C, W, xi, act), want, rtol=1e-13)


# -- exit time -------------------------------------------------------------------------


def _scalar_exit(q, v, lam, delta, q_plus, n_max):
    for n in range(1, n_max + 1):
        q, v = q + delta * v, v + delta * lam(q, v)
        if q > q_plus:
            return n * delta
    return np.inf


@pytest.mark.parametrize("seed", range(5))
def test_exit_time_vs_scalar_simulation(seed):
    rng = np.random.default_rng(seed)
    m = 10
    x0 = np.column_stack([rng.uniform(-2, 2, m), rng.uniform(-1, 2, m)])
    kv, vr, kq = rng.uniform(0.5, 3), rng.uniform(0.3, 2), rng.uniform(0, 1)
    delta, q_plus = float(rng.uniform(0.05, 0.3)), float(rng.uniform(0.5, 3))

    def lam(q, v):
        return float(np.clip(-kv * (v - vr) - kq * q, -1, 1))

    policy = H.RowPolicy(m, H.feedback(kv, vr, kq, 0.0))
    got = R.exit_time(x0, policy, delta, q_plus, 300)
    want = [_scalar_exit(q, v, lam, delta, q_plus, 300) for q, v in x0]
    np.testing.assert_array_equal(got, want)
    assert policy.calls <= 300


def test_exit_time_closed_form_and_monotone():
    rng = np.random.default_rng(7)
    x0 = np.column_stack([rng.uniform(-1, 1, 50), np.linspace(-1, 2, 50)])
    alphas = np.full(50, 0.4)
    T = R.exit_time(x0.copy(), H.RowPolicy(50, H.constant_rows(alphas)), 0.1, 1.2, 500)
    want, margin = H.constant_policy_exit(x0, alphas, 0.1, 1.2, 500)
    assert margin > 1e-9
    np.testing.assert_array_equal(T, want)
    same_q = np.column_stack([np.zeros(50), np.linspace(-1, 2, 50)])
    Tm = R.exit_time(same_q, H.RowPolicy(50, H.constant_rows(alphas)), 0.1, 1.2, 500)
    assert np.all(np.diff(Tm) <= 0) and np.all(Tm >= 0.1)


# -- policy gradient --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_exact_policy_gradient_vs_torch(seed):
    rng = np.random.default_rng(seed)
    n, K, d = [(6, 3, 4), (1, 2, 5), (30, 5, 2), (2, 4, 1)][seed]
    theta, X, Rw = H.bandit_case(rng, n, K, d, offset=1.0)
    th = torch.tensor(theta, requires_grad=True)
    J = (torch.softmax(torch.tensor(X) @ th.T, dim=1) * torch.tensor(Rw)).sum(1).mean()
    (g,) = torch.autograd.grad(J, th)
    np.testing.assert_allclose(R.exact_policy_gradient(theta, X, Rw), g.numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("seed", range(3))
def test_reinforce_vs_torch_surrogate(seed):
    """ĝ is the gradient of the surrogate (1/n) Σ (r_i - b_i) log p(A_i | x_i; θ) with r, b constants."""
    rng = np.random.default_rng(seed)
    theta, X, Rw = H.bandit_case(rng, 40, 3, 4)
    A = H.sample_actions(rng, theta, X)
    r = Rw[np.arange(40), A]
    for b in (None, rng.standard_normal(40)):
        th = torch.tensor(theta, requires_grad=True)
        logp = torch.log_softmax(torch.tensor(X) @ th.T, dim=1)[torch.arange(40), torch.tensor(A)]
        w = torch.tensor(r if b is None else r - b)
        (g,) = torch.autograd.grad((w * logp).mean(), th)
        np.testing.assert_allclose(R.reinforce_estimate(theta, X, A, r, b), g.numpy(), rtol=1e-11, atol=1e-13)


def _reinforce_stats(module, seed, batch=H.BATCH):
    """The grader's statistics for one seed: max z without / with the baseline, and the variance ratio
    (batches of ``batch``: H.BATCH in the unbiasedness checks, H.VAR_BATCH in the public variance check)."""
    theta, X, Rw, A, r, b = H.reinforce_case(np.random.default_rng(seed), batch)
    truth = R.exact_policy_gradient(theta, X, Rw)
    out = []
    for base in (None, b):
        G = np.array([module.reinforce_estimate(theta, X[s], A[s], r[s], None if base is None else base[s]) for s in H.batch_slices(batch)])
        out.append((H.batch_z(G, truth)[2].max(), H.total_variance(G)))
    return out[0][0], out[1][0], out[0][1] / out[1][1]


def test_reinforce_calibration_short():
    """6 seeds (bench/ch21_calibration.py runs 500): z far below 7, the variance ratio far above 1."""
    stats = np.array([_reinforce_stats(R, seed) for seed in range(6)])
    assert stats[:, :2].max() < 5.0 and stats[:, 2].min() > 5.0, stats
    small = np.array([_reinforce_stats(R, seed, H.VAR_BATCH)[2] for seed in range(20)])
    assert small.min() > 5.0, small  # the public variance check's batches of 200: the ratio is as far above 1


def test_reinforce_checks_have_power():
    mod = _mutant("grad_p_not_log_p")
    assert all(max(_reinforce_stats(mod, seed)[:2]) > 7 for seed in range(2))
    added = _mutant("baseline_added")  # unbiased, but the "baseline" adds variance
    assert all(_reinforce_stats(added, seed)[2] < 1 for seed in range(2))
    assert all(_reinforce_stats(added, seed, H.VAR_BATCH)[2] < 1 for seed in range(10))


@pytest.mark.parametrize("K", [1, 2, 3, 7, 8, 12])
def test_softmax_rows_vs_torch_and_numpys_reductions(K):
    """The graders' softmax (column by column for K < 8) is torch's softmax, and has the bits
    of the plain numpy formula, so every seeded case is the one it was."""
    Z = np.random.default_rng(K).standard_normal((3000, K)) * 300
    got = H.softmax_rows(Z)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    assert np.array_equal(got, E / E.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(got, torch.softmax(torch.tensor(Z), dim=1).numpy(), rtol=1e-13, atol=1e-300)
