"""Grader for ch21.value_iteration: the Bellman operator and value iteration
against the reference (S ≠ A, so swapped axes show); the contraction
‖TV - TU‖∞ ≤ β‖V - U‖∞ on the student's own operator; the stopping rule's
error bounds, the geometric iteration count and the near-optimality of the
returned policy, confirmed on the student's own results; β = 0, one action,
ties and max_iter as pinned cases."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import distinct_sa, policy_value, random_mdp


def _template(S):
    return (np.zeros(S), np.zeros(S, dtype=np.int64))


def _vi_template(S):
    return (np.zeros(S), np.zeros(S, dtype=np.int64), 0)


def test_bellman_small(student, ref, rng):
    """T V and the argmin policy on a 4-state, 3-action problem (β = 0.9)"""
    P, cost = random_mdp(rng, 4, 3)
    V = rng.uniform(0, 5, 4)
    expect.close(student.bellman_operator(V, P, cost, 0.9), ref.bellman_operator(V, P, cost, 0.9))


def test_contraction(student, ref, rng):
    """your T is a β-contraction: ‖TV - TU‖∞ ≤ β‖V - U‖∞ on 100 random pairs (S = 6, A = 3, β = 0.8)"""
    S, A, beta = 6, 3, 0.8
    P, cost = random_mdp(rng, S, A)
    Vs = rng.uniform(-10, 10, (200, S)) * rng.uniform(0.01, 1.0, (200, 1))
    outs = student.bellman_operator.many([(V, P, cost, beta) for V in Vs])
    TVs = [expect.like(o, _template(S))[0] for o in outs]
    expect.close(outs[0], ref.bellman_operator(Vs[0], P, cost, beta))  # the contraction of a wrong T proves nothing
    ratios = [
        np.max(np.abs(TVs[2 * i] - TVs[2 * i + 1])) / np.max(np.abs(Vs[2 * i] - Vs[2 * i + 1])) for i in range(100)
    ]
    worst = int(np.argmax(ratios))
    expect.that(
        ratios[worst] <= beta * (1 + 1e-12) + 1e-14,  # exact inequality; the slack covers rounding only
        "‖TV - TU‖∞ ≤ β ‖V - U‖∞ must hold for every pair",
        quantity="TV",
        detail=f"pair {worst}: ‖TV - TU‖∞ / ‖V - U‖∞ = {ratios[worst]:.6g} > β = {beta}",
    )


def test_value_iteration_small(student, ref, rng):
    """value iteration on a 5-state, 2-action problem (β = 0.9, tol = 1e-10): V, policy and K against the reference"""
    P, cost = random_mdp(rng, 5, 2)
    got = expect.like(student.value_iteration(P, cost, 0.9, 1e-10, 20000), _vi_template(5))
    want = ref.value_iteration(P, cost, 0.9, 1e-10, 20000)
    expect.close(got[:2], want[:2], "value", names=["V", "greedy policy"])
    expect.that(
        abs(got[2] - want[2]) <= 1,  # one iteration of slack: rounding can move a difference across tol
        "K must be the first k with ‖V_k - V_{k-1}‖∞ ≤ tol",
        quantity="iterations",
        detail=f"got K = {got[2]}, expected {want[2]}",
    )


def test_theory_bounds(student, rng):
    """on your results (S = 7, A = 4, β = 0.95, tol = 1e-8): K within the geometric bound, ‖T V_K - V_K‖∞ ≤ β·tol, and the policy's own cost within (β/(1-β) + 2β²/(1-β)²)·tol of V_K"""
    S, A, beta, tol = 7, 4, 0.95, 1e-8
    P, cost = random_mdp(rng, S, A)
    V, policy, K = expect.like(student.value_iteration(P, cost, beta, tol, 100000), _vi_template(S))
    v1 = np.max(np.abs(cost.min(axis=1)))  # V_1 = T 0 = min_a c(·, a)
    k_max = 1 + int(np.ceil(np.log(tol / v1) / np.log(beta)))
    expect.that(1 <= K <= k_max, "the contraction bounds the iteration count: K ≤ 1 + ⌈log(tol/‖V_1‖∞)/log β⌉",
                quantity="iterations", detail=f"got K = {K}, bound {k_max}")
    TV, _ = expect.like(student.bellman_operator(V, P, cost, beta), _template(S))
    resid = float(np.max(np.abs(TV - V)))
    expect.that(resid <= beta * tol * (1 + 1e-6) + 1e-12, "V_K is nearly a fixed point: ‖T V_K - V_K‖∞ ≤ β·tol",
                quantity="V", detail=f"‖T V_K - V_K‖∞ = {resid:.3g}, allowed β·tol = {beta * tol:.3g}")
    Vpol = policy_value(P, cost, beta, np.asarray(policy))
    gap = float(np.max(np.abs(Vpol - V)))
    # ‖V_λ - V*‖ ≤ 2β²tol/(1-β)² and ‖V* - V_K‖ ≤ β tol/(1-β); 1e-10 absorbs the rounding of the solve (|V| ≈ 20)
    bound = (beta / (1 - beta) + 2 * beta**2 / (1 - beta) ** 2) * tol + 1e-10
    expect.that(gap <= bound, "the greedy policy's cost V_λ = (I - βP_λ)⁻¹c_λ must be within the stopping-rule bound of V_K",
                quantity="greedy policy", detail=f"‖V_λ - V_K‖∞ = {gap:.3g}, bound {bound:.3g}")


def test_beta_zero(student, rng):
    """β = 0: T V = min_a c(·, a) whatever V is, so V_1 = V_2 = min_a c and K = 2"""
    P, cost = random_mdp(rng, 4, 3)
    expect.close(student.bellman_operator(rng.uniform(-5, 5, 4), P, cost, 0.0), (cost.min(axis=1), cost.argmin(axis=1)))
    expect.close(student.value_iteration(P, cost, 0.0), (cost.min(axis=1), cost.argmin(axis=1), 2))


def test_one_action_and_ties(student, rng):
    """one action (the policy is all zeros; V = (I - βP_0)⁻¹ c), and two identical actions (the argmin takes the smaller index)"""
    P, cost = random_mdp(rng, 5, 1)
    V, policy, _ = expect.like(student.value_iteration(P, cost, 0.7, 1e-12), _vi_template(5))
    expect.close((V, policy), (policy_value(P, cost, 0.7, np.zeros(5, dtype=np.int64)), np.zeros(5, dtype=np.int64)), "value")
    P2, cost2 = random_mdp(rng, 4, 2)
    P3 = np.concatenate([P2[1:], P2[1:], P2[:1]])  # actions 0 and 1 identical, action 2 different
    cost3 = np.concatenate([cost2[:, 1:], cost2[:, 1:], cost2[:, :1]], axis=1)
    V3 = rng.uniform(0, 1, 4)
    TV, pol = expect.like(student.bellman_operator(V3, P3, cost3, 0.5), _template(4))
    expect.that(not np.any(pol == 1), "ties go to the smaller action index (np.argmin's rule)",
                quantity="greedy policy", detail=f"actions 0 and 1 are identical; got policy {pol.tolist()}")


def test_max_iter(student, ref, rng):
    """max_iter = 3 stops early: V_3, its greedy policy and K = 3"""
    P, cost = random_mdp(rng, 3, 2)
    expect.close(student.value_iteration(P, cost, 0.9, 1e-12, 3), ref.value_iteration(P, cost, 0.9, 1e-12, 3))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random S ≠ A, β ∈ [0, 0.97), costs of either sign: T V and value iteration"""
    S, A = distinct_sa(rng)
    beta = float(rng.uniform(0.0, 0.97))
    P, cost = random_mdp(rng, S, A, cost_scale=float(rng.uniform(0.1, 10)))
    cost = cost - float(rng.uniform(0, 1)) * cost.max()
    V = rng.standard_normal(S) * 3
    expect.close(student.bellman_operator(V, P, cost, beta), ref.bellman_operator(V, P, cost, beta))
    got = expect.like(student.value_iteration(P, cost, beta, 1e-10), _vi_template(S))
    want = ref.value_iteration(P, cost, beta, 1e-10)
    expect.close(got[:2], want[:2], "value", names=["V", "greedy policy"])
    expect.that(abs(got[2] - want[2]) <= 1, "K must be the first k with ‖V_k - V_{k-1}‖∞ ≤ tol", quantity="iterations")


@mark.hidden
def test_hidden_single_state(student, ref, rng):
    """S = 1 (A = 3) and S = 3 (A = 1)"""
    for S, A in ((1, 3), (3, 1)):
        P, cost = random_mdp(rng, S, A)
        expect.close(student.value_iteration(P, cost, 0.6), ref.value_iteration(P, cost, 0.6), "value")


@mark.hidden
def test_hidden_slow_contraction(student, ref, rng):
    """β = 0.99 (about 2000 iterations) with tol = 1e-8"""
    P, cost = random_mdp(rng, 4, 3)
    got = expect.like(student.value_iteration(P, cost, 0.99, 1e-8), _vi_template(4))
    want = ref.value_iteration(P, cost, 0.99, 1e-8)
    expect.close(got[:2], want[:2], "value", names=["V", "greedy policy"])
    expect.that(abs(got[2] - want[2]) <= 1, "K must be the first k with ‖V_k - V_{k-1}‖∞ ≤ tol", quantity="iterations")
