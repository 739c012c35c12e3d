"""Shared helpers for the chapter 21 graders: random decision problems and
trajectories, the closed forms the checks compare with, and the grader-side
functions (featurisers, policies) that student code calls back, each of which
counts its calls and checks the shapes it is given (a policy's ``in_child()``
runs in the student's process instead, for the checks that do not count).

The statistical constants (trajectory length, thresholds, batch counts) are
calibrated by tests/oracles/test_ch21_reinforcement_learning.py (a short run)
and bench/ch21_calibration.py (the full sweep over ≥ 200 reference seeds)."""

from __future__ import annotations

import bisect

import numpy as np

from mathdl_cli import kernels

from mathdl_cli.grading import gen

# -- decision problems --------------------------------------------------------------


def random_mdp(rng: np.random.Generator, S: int, A: int, cost_scale: float = 1.0):
    """P (A, S, S) with Dirichlet(1) rows and costs uniform on [0, cost_scale]."""
    P = rng.dirichlet(np.ones(S), size=(A, S))
    cost = cost_scale * rng.uniform(0.0, 1.0, (S, A))
    return P, cost


def distinct_sa(rng: np.random.Generator, low: int = 2, high: int = 7) -> tuple[int, int]:
    """S ≠ A, so that swapped axes cannot go unnoticed."""
    S, A = gen.distinct_sizes(rng, 2, low, high)
    return S, A


def policy_value(P: np.ndarray, cost: np.ndarray, beta: float, policy: np.ndarray) -> np.ndarray:
    """V_λ = (I - β P_λ)⁻¹ c_λ: the discounted cost of following the stationary policy λ."""
    S = cost.shape[0]
    idx = np.arange(S)
    P_pol = P[policy, idx, :]
    c_pol = cost[idx, policy]
    return np.linalg.solve(np.eye(S) - beta * P_pol, c_pol)


def q_from_v(P: np.ndarray, cost: np.ndarray, beta: float, V: np.ndarray) -> np.ndarray:
    """Q(x, a) = c(x, a) + β Σ_z P[a, x, z] V(z) (the definition in the chapter summary)."""
    return cost + beta * np.einsum("axz,z->xa", P, V)


def trajectory(rng: np.random.Generator, P: np.ndarray, cost: np.ndarray, K: int):
    """K steps of the chain under uniformly random actions: (xs, acts, costs, xs_next)."""
    A, S, _ = P.shape
    acts = rng.integers(0, A, K)
    u = rng.random(K)
    cum = np.cumsum(P, axis=2).tolist()
    x = int(rng.integers(S))
    xs, nxt = [], []
    for k, a in enumerate(acts.tolist()):
        xs.append(x)
        x = min(bisect.bisect_right(cum[a][x], u[k]), S - 1)
        nxt.append(x)
    xs_arr, nxt_arr = np.array(xs, dtype=np.int64), np.array(nxt, dtype=np.int64)
    return xs_arr, acts.astype(np.int64), cost[xs_arr, acts], nxt_arr


# Q-learning convergence check (ch21.tabular_q_learning): S = 5, A = 2, K uniform-exploration steps,
# β ~ U[0.5, 0.8], ω ~ U[0.55, 0.7]; pass iff ‖Q_K - Q*‖∞ ≤ REL ‖Q*‖∞.
Q_STATES, Q_ACTIONS, Q_STEPS = 5, 2, 20_000


def relative_sup_error(Q: np.ndarray, Q_star: np.ndarray) -> float:
    """‖Q - Q*‖∞ / ‖Q*‖∞, the statistic of the convergence check."""
    return float(np.max(np.abs(Q - Q_star)) / np.max(np.abs(Q_star)))


def q_learning_case(rng: np.random.Generator):
    P, cost = random_mdp(rng, Q_STATES, Q_ACTIONS)
    beta = float(rng.uniform(0.5, 0.8))
    omega = float(rng.uniform(0.55, 0.7))
    return P, cost, beta, omega, trajectory(rng, P, cost, Q_STEPS)


# -- grader-side functions called by student code ---------------------------------------


class FeatureMap:
    """featurize(X, U) = tanh(M [x, u, 1]) row by row: a fixed smooth map from
    (state, action value) pairs to R^p. Counts its calls and checks its inputs."""

    def __init__(self, rng: np.random.Generator, d_x: int, p: int):
        self.M = rng.standard_normal((p, d_x + 2)) / np.sqrt(d_x + 2)
        self.d_x = d_x
        self.calls: list[int] = []  # rows per call

    def local(self, X: np.ndarray, U: np.ndarray) -> np.ndarray:
        Z = np.hstack([X, U[:, None], np.ones((X.shape[0], 1))])
        return np.tanh(Z @ self.M.T)

    def __call__(self, X, U):
        X = np.asarray(X, dtype=np.float64)
        U = np.asarray(U, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.d_x or U.shape != (X.shape[0],):
            raise ValueError(
                f"featurize(X, U) takes states X of shape (m, {self.d_x}) and action values U of shape (m,); "
                f"got X of shape {X.shape} and U of shape {U.shape}"
            )
        self.calls.append(X.shape[0])
        return self.local(X, U)


class RowPolicy:
    """A vectorised policy λ(R) for exit_time. ``rule(R)`` gives the accelerations;
    the policy checks that it sees all m trajectories and counts its calls."""

    def __init__(self, m: int, rule):
        self.m = m
        self.rule = rule
        self.calls = 0

    def _refusal(self) -> str:
        return f"the policy takes all m = {self.m} current states at once, an array of shape {{shape}}; got shape {{got}}"

    def __call__(self, R):
        R = np.asarray(R, dtype=np.float64)
        if R.shape != (self.m, 2):
            raise ValueError(self._refusal().format(shape=(self.m, 2), got=R.shape))
        self.calls += 1
        return np.clip(np.asarray(self.rule(R), dtype=np.float64), -1.0, 1.0)

    def in_child(self) -> kernels.Kernel:
        """The same policy, evaluated in the student's process (no round trip per
        step; for the checks that do not count the calls)."""
        return self.rule.with_input((self.m, 2), self._refusal())


def constant_rows(alphas: np.ndarray) -> kernels.Kernel:
    """Row j always accelerates with alphas[j] (clipped to [-1, 1])."""
    return kernels.ConstantRows(np.asarray(alphas, dtype=np.float64))


def feedback(k_v: float, v_ref: float, k_q: float = 0.0, q_ref: float = 0.0) -> kernels.Kernel:
    """λ(q, v) = clip(-k_v (v - v_ref) - k_q (q - q_ref), -1, 1): drive towards speed v_ref."""
    return kernels.Feedback(float(k_v), float(v_ref), float(k_q), float(q_ref))


def constant_policy_exit(x0: np.ndarray, alphas: np.ndarray, delta: float, q_plus: float, n_max: int):
    """Exit times for constant accelerations from the closed form
    q_n = q_0 + δ n v_0 + δ² α n(n-1)/2, and the smallest distance |q_n - q_+|
    over n ≤ n_max (cases closer than rounding to the threshold are redrawn)."""
    n = np.arange(1, n_max + 1, dtype=np.float64)
    q = x0[:, :1] + delta * n * x0[:, 1:] + delta**2 * alphas[:, None] * n * (n - 1) / 2
    past = q > q_plus
    first = np.where(past.any(axis=1), past.argmax(axis=1) + 1, 0)
    T = np.where(first > 0, first * delta, np.inf)
    return T, float(np.min(np.abs(q - q_plus)))


# -- REINFORCE ---------------------------------------------------------------------------


def softmax_rows(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of Z (n, K). For K < 8 the row maximum and sum are taken column by
    column, in the order numpy's own reduction takes a row that short (the same bits, and 5
    times faster than a reduction along a short last axis for n = 10⁵)."""
    if Z.shape[1] >= 8:
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)
    m = Z[:, 0].copy()
    for k in range(1, Z.shape[1]):
        np.maximum(m, Z[:, k], out=m)
    E = np.exp(Z - m[:, None])
    total = E[:, 0].copy()
    for k in range(1, Z.shape[1]):
        total += E[:, k]
    return E / total[:, None]


def scores(theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """X θᵀ, (n, K). (einsum: a multi-threaded BLAS call on a tall, thin matrix is slow on a busy machine.)"""
    return np.einsum("nd,kd->nk", X, theta)


def expected_reward(theta: np.ndarray, X: np.ndarray, R: np.ndarray) -> float:
    """J(θ) = (1/n) Σ_i Σ_a R[i, a] p(a | x_i; θ)."""
    return float(np.mean(np.sum(R * softmax_rows(scores(theta, X)), axis=1)))


def fd_gradient(theta: np.ndarray, X: np.ndarray, R: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of J, entry by entry (error O(h²) ≈ 1e-10 relative here)."""
    g = np.zeros_like(theta)
    for idx in np.ndindex(*theta.shape):
        tp, tm = theta.copy(), theta.copy()
        tp[idx] += h
        tm[idx] -= h
        g[idx] = (expected_reward(tp, X, R) - expected_reward(tm, X, R)) / (2 * h)
    return g


def bandit_case(rng: np.random.Generator, n: int, K: int, d: int, offset: float = 0.0):
    """θ (K, d), contexts X (n, d), a smooth reward table R[i, a] = offset + sin(u_a·x_i) + w_a."""
    theta = rng.standard_normal((K, d)) / np.sqrt(d)
    X = rng.standard_normal((n, d))
    U = rng.standard_normal((K, d))
    R = offset + np.sin(scores(U, X)) + rng.uniform(-0.5, 0.5, K)
    return theta, X, R


def sample_actions(rng: np.random.Generator, theta: np.ndarray, X: np.ndarray, P: np.ndarray | None = None) -> np.ndarray:
    """A_i ~ p(· | x_i; θ) by inversion of the cumulative probabilities (P: the probabilities, if known)."""
    cum = np.cumsum(softmax_rows(scores(theta, X)) if P is None else P, axis=1)
    u = rng.random((X.shape[0], 1)) * cum[:, -1:]
    return np.minimum((u > cum).sum(axis=1), theta.shape[0] - 1).astype(np.int64)


# Statistical checks of reinforce_estimate: n = N_BATCH · BATCH sampled actions, offset 3 on the
# rewards (so that the baseline matters), K = 3 actions, d = 4.
#  * unbiasedness: per coordinate, (mean of the batch estimates - exact) / (their sd / √N_BATCH) is
#    t-distributed with 49 d.o.f. (batch means of 2000 i.i.d. terms are normal to a good approximation):
#    P(|t| > 7) = 6.6e-9, so 12 coordinates × 2 estimators give FFP ≈ 1.6e-7.
#  * variance reduction: the per-sample second moment without the baseline is ≥ 12.8 times the one
#    with it on these cases (exact sums over actions, 300 seeds; the variances, which subtract the
#    same ‖∇J‖², differ by more). The total variance of 50 batch means is a scaled χ² with ≥ 49
#    d.o.f. (49 when one direction dominates), so the check fails with probability below
#    P(F(49, 49) > 12) < 1e-12 (the two estimators share their draws, which only helps). That bound
#    does not depend on the batch size (batch means of 200 terms are as normal as needed), so the
#    public variance check runs on batches of VAR_BATCH = 200: a tenth of the draws, the same FFP.
N_BATCH, BATCH, K_ACT, D_CTX, OFFSET = 50, 2_000, 3, 4, 3.0
VAR_BATCH = 200


def batch_z(G: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From batch estimates G (N_BATCH, K, d): their mean, its standard error, and |mean - truth| / se."""
    mean = G.mean(axis=0)
    se = G.std(axis=0, ddof=1) / np.sqrt(G.shape[0])
    return mean, se, np.abs(mean - truth) / np.maximum(se, 1e-300)


def total_variance(G: np.ndarray) -> float:
    """The summed variance of the batch estimates over all coordinates."""
    return float(G.var(axis=0, ddof=1).sum())


def batch_slices(batch: int = BATCH) -> list[slice]:
    return [slice(i * batch, (i + 1) * batch) for i in range(N_BATCH)]


def reinforce_case(rng: np.random.Generator, batch: int = BATCH):
    """θ, contexts, the reward table, sampled actions, their rewards and the baseline, for
    N_BATCH batches of ``batch`` contexts."""
    theta, X, R = bandit_case(rng, N_BATCH * batch, K_ACT, D_CTX, OFFSET)
    theta = theta * float(rng.uniform(0.5, 1.5))
    P = softmax_rows(scores(theta, X))
    A = sample_actions(rng, theta, X, P)
    r = R[np.arange(X.shape[0]), A]
    b = np.sum(P * R, axis=1)  # b(x) = Σ_a p(a|x) f(x, a)
    return theta, X, R, A, r, b
