"""Grader for ch21.policy_gradient_bandit. Exact gradient: the reference,
central differences of J(θ) = (1/n) Σ_i Σ_a R[i, a] p(a | x_i; θ) computed
here, and scores of size 800. REINFORCE: exact values for given samples (the
reference; a constant reward with no baseline); the theorem on the student's
own estimator: with and without a baseline, its mean over 10⁵ sampled actions
is within 7 standard errors of the exact gradient (the reference's) in every coordinate, the
standard errors estimated from 50 batches of 2000 of the student's own
estimates; and the baseline b(x) = Σ_a p(a|x) f(x, a) reduces the spread of
the batch estimates (publicly on 50 batches of 200: the test's false-failure bound does
not depend on the batch size). Calibrated in tests/oracles and bench/ch21_calibration.py."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import (
    BATCH, N_BATCH, VAR_BATCH, bandit_case, batch_slices, batch_z, fd_gradient, reinforce_case, sample_actions,
    total_variance,
)

ADVICE = "Subtract each row's largest score before exponentiating, so that np.exp only sees non-positive numbers."


def test_exact_small(student, ref, rng):
    """∇_θ J for K = 3 actions, d = 4 features, n = 6 contexts"""
    theta, X, R = bandit_case(rng, 6, 3, 4)
    expect.close(student.exact_policy_gradient(theta, X, R), ref.exact_policy_gradient(theta, X, R))


def test_exact_vs_finite_differences(student, rng, tol):
    """your ∇_θ J against central differences of J(θ) (K = 4, d = 2, n = 9)"""
    theta, X, R = bandit_case(rng, 9, 4, 2)
    g = expect.like(student.exact_policy_gradient(theta, X, R), theta)
    expect.gradient(g, fd_gradient(theta, X, R), rel=tol.fd["rel"], quantity="∇_θ J(θ)")


def test_exact_large_scores(student, ref, rng):
    """scores θ_a·x near +800 for two actions and -800 for the third (a stable softmax; no overflow)"""
    _, X, R = bandit_case(rng, 5, 3, 2)
    X[:, 0] = 1.0  # an intercept: θ_a·x = θ_a0 + θ_a1 x_1
    theta = np.column_stack([[800.0, 800.0, -800.0], rng.uniform(-1, 1, 3)])
    got = expect.without_overflow(student, "exact_policy_gradient", theta, X, R, what="∇_θ J(θ)", advice=ADVICE)
    expect.close(got, ref.exact_policy_gradient(theta, X, R))


def test_reinforce_values(student, ref, rng):
    """ĝ for 10 given samples, without and with a baseline (K = 3, d = 5)"""
    theta, X, R = bandit_case(rng, 10, 3, 5)
    A = sample_actions(rng, theta, X)
    r = R[np.arange(10), A]
    b = rng.standard_normal(10)
    expect.close(student.reinforce_estimate(theta, X, A, r), ref.reinforce_estimate(theta, X, A, r))
    expect.close(student.reinforce_estimate(theta, X, A, r, b), ref.reinforce_estimate(theta, X, A, r, b))


def test_reinforce_constant_reward(student, rng):
    """r ≡ b ≡ 1 gives ĝ = 0 exactly; and b = r - 1 gives the same ĝ as r ≡ 1 without a baseline"""
    theta, X, R = bandit_case(rng, 7, 2, 3)
    A = sample_actions(rng, theta, X)
    one = np.ones(7)
    expect.close(student.reinforce_estimate(theta, X, A, one, one), np.zeros((2, 3)), names="ĝ with r - b ≡ 0")
    r = R[np.arange(7), A]
    g1 = expect.like(student.reinforce_estimate(theta, X, A, one), theta)
    expect.that(np.abs(g1).max() > 1e-3, "ĝ for r ≡ 1 is the mean score (1/n) Σ_i ∇ log p(A_i|x_i), not zero for 7 samples",
                quantity="ĝ with r ≡ 1", detail=f"got max |ĝ| = {np.abs(g1).max():.3g}")
    expect.close(student.reinforce_estimate(theta, X, A, r, r - 1.0), g1,
                 names="ĝ with r - b ≡ 1 (must equal your ĝ for r ≡ 1 and no baseline)")


def _batches(student, theta, X, A, r, b, batch=BATCH):
    """The student's estimate on each of the N_BATCH batches, without the baseline and with
    ``b``, in one round trip: (estimates without, estimates with), each (N_BATCH, K, d).
    Both estimators get the same batch arrays, which cross once."""
    parts = [(X[s], A[s], r[s], b[s]) for s in batch_slices(batch)]
    args = [(theta, x, a, rr) for x, a, rr, _ in parts] + [(theta, x, a, rr, bb) for x, a, rr, bb in parts]
    G = np.array([expect.like(o, theta) for o in student.reinforce_estimate.many(args)])
    return G[:N_BATCH], G[N_BATCH:]


def _unbiased(student, ref, rng, tol):
    """Both estimators on the same 10⁵ draws, each checked against the exact gradient;
    returns the batch estimates without and with the baseline."""
    theta, X, R, A, r, b = reinforce_case(rng)
    truth = ref.exact_policy_gradient(theta, X, R)
    z_max = tol.statistics["z"]
    out = _batches(student, theta, X, A, r, b)
    for label, G in zip(("without a baseline", "with the baseline b(x) = Σ_a p(a|x) f(x, a)"), out):
        mean, se, z = batch_z(G, truth)
        k = np.unravel_index(int(np.argmax(z)), z.shape)
        expect.that(
            bool(np.all(z <= z_max)),  # t with 49 d.o.f.: P(|t| > 7) = 6.6e-9 per coordinate; 12 coordinates × 2 → FFP ≈ 1.6e-7
            f"REINFORCE is unbiased {label}: the mean of ĝ must be within {z_max:g} standard errors of ∇_θ J",
            quantity="REINFORCE estimate of ∇_θ J",
            detail=f"{N_BATCH} batches of {BATCH}: at θ index {list(map(int, k))} the mean is {mean[k]:.5g}, "
                   f"the exact gradient {truth[k]:.5g}, standard error {se[k]:.3g} (z = {z[k]:.3g})",
        )
    return out


def _variance_reduced(G_plain, G_base, batch=BATCH):
    v_plain, v_base = total_variance(G_plain), total_variance(G_base)
    expect.that(
        v_base < v_plain,  # true variance ratio ≥ 12 on these cases: FFP < P(F(49, 49) > 12) < 1e-12 (see _helpers)
        "a baseline that does not depend on the action must reduce the variance here",
        quantity="REINFORCE estimate with a baseline",
        detail=f"total variance of the {N_BATCH} batch estimates (batches of {batch}): {v_base:.4g} with the baseline, {v_plain:.4g} without",
    )


def test_unbiased(student, ref, rng, tol):
    """10⁵ sampled actions: the mean of your ĝ is within 7 standard errors of ∇_θ J, with and without a baseline (FFP ≈ 2e-7)"""
    _unbiased(student, ref, rng, tol)


def test_baseline_reduces_variance(student, rng):
    """the baseline b(x) = Σ_a p(a|x) f(x, a) makes your batch estimates scatter less (the same 10⁴ draws, 50 batches of 200)"""
    theta, X, R, A, r, b = reinforce_case(rng, VAR_BATCH)
    _variance_reduced(*_batches(student, theta, X, A, r, b, VAR_BATCH), VAR_BATCH)


@mark.hidden
@mark.weight(2)
def test_hidden_statistics(student, ref, rng, tol):
    """per-student θ, contexts and samples: unbiased with and without a baseline, and the baseline reduces the variance"""
    _variance_reduced(*_unbiased(student, ref, rng, tol))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random K ≠ d, n = 1, 2 and more, scaled θ: exact gradient and REINFORCE with and without a baseline"""
    K, d = [(2, 3), (4, 1), (int(rng.integers(5, 8)), 2)][trial]
    n = [1, 2, int(rng.integers(3, 40))][trial]
    theta, X, R = bandit_case(rng, n, K, d, offset=float(rng.uniform(-2, 2)))
    theta = theta * float(rng.uniform(0.1, 5))
    expect.close(student.exact_policy_gradient(theta, X, R), ref.exact_policy_gradient(theta, X, R))
    A = sample_actions(rng, theta, X)
    r, b = R[np.arange(n), A], rng.standard_normal(n)
    expect.close(student.reinforce_estimate(theta, X, A, r), ref.reinforce_estimate(theta, X, A, r))
    expect.close(student.reinforce_estimate(theta, X, A, r, b), ref.reinforce_estimate(theta, X, A, r, b))
