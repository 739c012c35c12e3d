"""Grader for ch21.tabular_q_learning: a hand trajectory with revisits and a
self-loop against the reference; the first update's closed form; unvisited
entries untouched; and the theorem, on the student's own code: after
K = 2·10⁴ uniformly exploring steps of a 5-state, 2-action problem,
‖Q_K - Q*‖∞ ≤ 0.05 ‖Q*‖∞ (Q* from value iteration). The threshold is more
than 1.25 times the largest error of the reference over 1000 seeds
(bench/ch21_calibration.py); the short calibration runs in tests/oracles."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import distinct_sa, q_from_v, q_learning_case, random_mdp, relative_sup_error, trajectory


def _traj(xs, acts, costs, nxt):
    return (np.array(xs, dtype=np.int64), np.array(acts, dtype=np.int64), np.array(costs, dtype=np.float64), np.array(nxt, dtype=np.int64))


def test_hand_trajectory(student, ref, rng):
    """S = 3, A = 2, six steps with a revisited pair (α = 2^-ω on its second visit) and a self-loop, from a random Q0"""
    traj = _traj([0, 1, 1, 0, 2, 0], [1, 0, 0, 1, 1, 1], [0.5, 1.0, 0.2, 0.7, 0.3, 0.4], [1, 1, 0, 2, 0, 1])
    Q0 = rng.uniform(0, 2, (3, 2))
    expect.close(student.q_learning(3, 2, traj, 0.9, 0.7, Q0), ref.q_learning(3, 2, traj, 0.9, 0.7, Q0))


def test_first_update(student, rng):
    """one step: α = 1 on a first visit, so Q(x_0, a_0) = c_0 + β min_a' Q0(x_1, a') and nothing else changes"""
    Q0 = rng.uniform(0, 3, (4, 3))
    traj = _traj([2], [1], [0.8], [3])
    want = Q0.copy()
    want[2, 1] = 0.8 + 0.6 * Q0[3].min()
    expect.close(student.q_learning(4, 3, traj, 0.6, 0.7, Q0), want, names="Q after one step (c + β min Q0(x_1, ·) at (x_0, a_0))")


def test_only_visited_entries_change(student, ref, rng):
    """30 random steps over S = 6, A = 3 that miss some pairs: unvisited entries keep Q0 exactly, the rest match the reference"""
    P, cost = random_mdp(rng, 6, 3)
    xs, acts, costs, nxt = trajectory(rng, P, cost, 30)
    Q0 = rng.standard_normal((6, 3))
    Q = expect.like(student.q_learning(6, 3, (xs, acts, costs, nxt), 0.8, 0.6, Q0), Q0)
    seen = np.zeros((6, 3), dtype=bool)
    seen[xs, acts] = True
    expect.that(np.array_equal(Q[~seen], Q0[~seen]), "pairs (x, a) never visited keep their initial value",
                quantity="Q", detail=f"{int(np.sum(Q[~seen] != Q0[~seen]))} unvisited entries changed")
    expect.close(Q, ref.q_learning(6, 3, (xs, acts, costs, nxt), 0.8, 0.6, Q0))


def test_default_start(student, ref, rng):
    """Q0 = None starts from zeros; an empty trajectory (K = 0) returns the start"""
    P, cost = random_mdp(rng, 3, 4)
    traj = trajectory(rng, P, cost, 12)
    expect.close(student.q_learning(3, 4, traj, 0.5), ref.q_learning(3, 4, traj, 0.5))
    empty = _traj([], [], [], [])
    expect.close(student.q_learning(3, 4, empty, 0.5), np.zeros((3, 4)), names="Q after K = 0 steps from Q0 = None")


def _converges(student, ref, rng, tol):
    P, cost, beta, omega, traj = q_learning_case(rng)
    V, _, _ = ref.value_iteration(P, cost, beta, 1e-12)
    Q_star = q_from_v(P, cost, beta, V)
    Q = expect.like(student.q_learning(P.shape[1], P.shape[0], traj, beta, omega), Q_star)
    err = relative_sup_error(Q, Q_star)
    expect.that(
        err <= tol.convergence["rel"],  # reference over 1000 seeds: largest error below 0.04 (bench/ch21_calibration.py)
        f"Q-learning converges to Q*: ‖Q_K - Q*‖∞ ≤ {tol.convergence['rel']:g} ‖Q*‖∞ after K = {len(traj[0])} steps",
        quantity="Q",
        detail=f"β = {beta:.4g}, ω = {omega:.4g}: ‖Q_K - Q*‖∞ / ‖Q*‖∞ = {err:.4g}",
    )


def test_converges(student, ref, rng, tol):
    """the theorem on your code: K = 2·10⁴ uniformly exploring steps, 5 states, 2 actions: ‖Q_K - Q*‖∞ ≤ 0.05 ‖Q*‖∞"""
    _converges(student, ref, rng, tol)


@mark.hidden
@mark.weight(2)
def test_hidden_converges(student, ref, rng, tol):
    """per-student problem, β and ω: ‖Q_K - Q*‖∞ ≤ 0.05 ‖Q*‖∞ after K = 2·10⁴ steps"""
    _converges(student, ref, rng, tol)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random S ≠ A, β, ω ∈ (½, 1], 1 to 400 steps, random Q0"""
    S, A = distinct_sa(rng)
    P, cost = random_mdp(rng, S, A, cost_scale=float(rng.uniform(0.5, 5)))
    K = [1, 2, int(rng.integers(50, 400))][trial]
    traj = trajectory(rng, P, cost, K)
    beta, omega = float(rng.uniform(0, 0.99)), float(rng.uniform(0.51, 1.0))
    Q0 = rng.standard_normal((S, A))
    expect.close(student.q_learning(S, A, traj, beta, omega, Q0), ref.q_learning(S, A, traj, beta, omega, Q0))
