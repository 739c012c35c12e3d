"""Grader for ch21.exit_time: constant policies against the closed form
q_n = q_0 + δ n v_0 + δ² α n(n-1)/2 (computed here, the first n found
exactly); a feedback policy against the reference; pinned dyadic cases for
n ≥ 1 and the strict inequality; the inf branch; monotonicity in v_0 on the
student's own results; and the policy's call budget (batched, ≤ n_max
calls, stopping once every trajectory has exited)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import RowPolicy, constant_policy_exit, constant_rows, feedback


def _budget(policy, n_max, last_exit):
    limit = min(n_max, last_exit)
    expect.that(
        policy.calls <= limit,
        "the policy is called once per step for all trajectories, and no longer than needed",
        quantity="policy calls",
        detail=f"{policy.calls} calls; at most {limit} are needed (n_max = {n_max}, last exit at step {last_exit})",
    )


def _constant_case(rng, m, n_max):
    """m trajectories with constant accelerations, drawn away from q_n = q_+ (margin 1e-6)."""
    for _ in range(100):
        delta = float(rng.uniform(0.05, 0.3))
        q_plus = float(rng.uniform(0.5, 2.0))
        x0 = np.column_stack([rng.uniform(-1.0, q_plus + 0.3, m), rng.uniform(-1.0, 2.0, m)])
        alphas = rng.uniform(-1.0, 1.0, m)
        T, margin = constant_policy_exit(x0, alphas, delta, q_plus, n_max)
        if margin > 1e-6:
            return x0, alphas, delta, q_plus, T
    raise RuntimeError("no constant-policy case away from the threshold")


def _steps(T, delta, n_max):
    """The step of the last exit (n_max when some trajectory never exits)."""
    T = np.asarray(T)
    return int(round(float(T.max()) / delta)) if np.all(np.isfinite(T)) else n_max


def test_constant_policies(student, rng):
    """12 trajectories, each with its own constant acceleration α ∈ [-1, 1]: T from the closed form of q_n (n_max = 60)"""
    n_max = 60
    x0, alphas, delta, q_plus, T = _constant_case(rng, 12, n_max)
    policy = RowPolicy(12, constant_rows(alphas))
    expect.close(student.exit_time(x0, policy, delta, q_plus, n_max), T,
                 names="T_λ(x0) (closed form: δ·min{n ≥ 1 : q_0 + δnv_0 + δ²αn(n-1)/2 > q_+})")
    _budget(policy, n_max, _steps(T, delta, n_max))


def test_feedback_policy(student, ref, rng):
    """the feedback λ(q, v) = clip(-2(v - 1.5) - 0.5(q - 1), -1, 1) from 8 starts (δ = 0.1, q_+ = 3)"""
    x0 = np.column_stack([rng.uniform(-2, 2.5, 8), rng.uniform(-1, 2, 8)])
    mk = lambda: RowPolicy(8, feedback(2.0, 1.5, 0.5, 1.0))  # noqa: E731
    policy = mk()
    got = student.exit_time(x0, policy, 0.1, 3.0, 200)
    want = ref.exit_time(x0, mk(), 0.1, 3.0, 200)
    expect.close(got, want)
    _budget(policy, 200, _steps(np.asarray(want), 0.1, 200))


def test_pinned_dyadic(student):
    """exact arithmetic (δ = ½): q_2 = q_+ exactly has not exited (T = 1.5); a start past q_+ that falls back first (T = 2.5, never 0)"""
    x0 = np.array([[0.0, 1.0], [1.25, -1.0], [1.5, 1.0]])
    alphas = np.array([0.0, 1.0, 0.0])
    # row 0: q = 0, .5, 1 (= q_+), 1.5 → n = 3; row 1: q = 1.25, .75, .5, .5, .75, 1.25 → n = 5; row 2: q_1 = 2 → n = 1
    want = np.array([1.5, 2.5, 0.5])
    expect.close(student.exit_time(x0, RowPolicy(3, constant_rows(alphas)).in_child(), 0.5, 1.0, 10), want,
                 names="T_λ(x0) (n ≥ 1, strict q_n > q_+, a time n·δ)")


def test_never_exits(student):
    """braking away from q_+ never exits: T = inf, after at most n_max = 25 policy calls"""
    x0 = np.array([[0.0, -0.5], [0.2, 0.3]])
    policy = RowPolicy(2, constant_rows(np.array([-1.0, -1.0])))
    expect.close(student.exit_time(x0, policy, 0.2, 1.0, 25), np.array([np.inf, np.inf]), names="T_λ(x0) (np.inf: no exit by n_max)")
    _budget(policy, 25, 25)


def test_monotone_in_v0(student, rng):
    """on your results: for a constant α ∈ [0.3, 1], T is non-increasing in v_0 (40 starts, v_0 increasing)"""
    m = 40
    alpha = float(rng.uniform(0.3, 1))
    x0 = np.column_stack([np.full(m, -0.5), np.linspace(-0.5, 2.0, m)])
    T = expect.like(student.exit_time(x0, RowPolicy(m, constant_rows(np.full(m, alpha))).in_child(), 0.1, 1.0, 400), np.zeros(m))
    expect.that(np.all(np.isfinite(T)) and len(set(T.tolist())) > 3, "every start exits, at several different times",
                quantity="T_λ(x0)", detail=f"got {sorted(set(T.tolist()))[:8]}")
    expect.that(np.all(np.diff(T) <= 0), "T must be non-increasing in v_0 for a constant acceleration α ≥ 0",
                quantity="T_λ(x0)", detail=f"α = {alpha:.4g}; T increases at v_0 = {x0[1 + int(np.argmax(np.diff(T) > 0)), 1]:.4g}")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_constant(student, rng, trial):
    """random δ, q_+, starts (m = 1, 2 and more) and constant accelerations: the closed form"""
    m = [1, 2, int(rng.integers(3, 30))][trial]
    n_max = int(rng.integers(5, 80))
    x0, alphas, delta, q_plus, T = _constant_case(rng, m, n_max)
    policy = RowPolicy(m, constant_rows(alphas))
    expect.close(student.exit_time(x0, policy, delta, q_plus, n_max), T)
    _budget(policy, n_max, _steps(T, delta, n_max))


@mark.hidden
@mark.weight(2)
def test_hidden_feedback(student, ref, rng):
    """a random feedback policy, random δ and q_+, n_max = 1 and n_max = 150"""
    m = int(rng.integers(2, 15))
    x0 = np.column_stack([rng.uniform(-2, 2, m), rng.uniform(-1, 2, m)])
    kv, vr, kq = float(rng.uniform(0.5, 3)), float(rng.uniform(0.5, 2)), float(rng.uniform(0, 1))
    delta, q_plus = float(rng.uniform(0.05, 0.2)), float(rng.uniform(1, 3))
    for n_max in (1, 150):
        got = student.exit_time(x0, RowPolicy(m, feedback(kv, vr, kq, 0.0)).in_child(), delta, q_plus, n_max)
        expect.close(got, ref.exit_time(x0, RowPolicy(m, feedback(kv, vr, kq, 0.0)), delta, q_plus, n_max))
