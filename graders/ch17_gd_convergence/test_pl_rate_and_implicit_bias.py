"""Grader for ch17.pl_rate_and_implicit_bias.

gd_ls_trajectory: against the reference, against the closed form in the eigenbasis
of XᵀX/M (a geometric series per coordinate), and fvals[k] = Λ(thetas[k]) computed
here from the student's own thetas. empirical_rate: exact on geometric sequences,
against the reference on mixed ones. Theory on the student's run with rank-deficient
X: the PL bound at every k, the late rate (1 - ημ_PL)² (fitted here and by the
student's empirical_rate), the null-space component frozen, and convergence from
θ_0 = 0 to the minimum-norm solution np.linalg.pinv(X) @ y.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import fstar_of, low_rank_problem, ls_closed_form, pl_start, rate_window, trajectory


def _pl_check(student, rng, tol, eigs, M, d):
    """η = 1/L on a rank-deficient problem, generic θ_0 (a rate window chosen from the spectrum)"""
    eigs = np.sort(np.asarray(eigs))[::-1]
    X, y, V = low_rank_problem(rng, M, d, eigs, noise=0.3)
    L, mu = eigs[0], eigs[-1]
    lr = 1.0 / L
    q_slow = (1 - lr * mu) ** 2
    fstar = fstar_of(X, y)
    theta0 = pl_start(rng, X, y, V)
    start, stop = rate_window(X, y, V, eigs, theta0, lr)
    K = stop + 5
    thetas, fvals = trajectory(student.gd_ls_trajectory(X, y, theta0, lr, K), K, d)
    gap = fvals - fstar
    bound = (1 - mu / L) ** np.arange(K + 1) * gap[0]
    k = int(np.argmax(gap - bound))
    # PL theorem; slack for the rounding of Λ (~1e-15 Λ)
    expect.that(
        bool(np.all(gap <= bound + 1e-12 * fvals[0])),
        "PL: Λ(θ_k) - Λ* ≤ (1 - μ_PL/L)^k (Λ(θ_0) - Λ*) with μ_PL the smallest non-zero eigenvalue of XᵀX/M",
        quantity="Λ(θ_k) - Λ* along your run",
        detail=f"at k = {k}: {gap[k]:.6g} > {bound[k]:.6g} (μ_PL = {mu:g}, L = {L:g})",
    )
    window = gap[start:stop]
    fitted = float(np.exp(np.polyfit(np.arange(start, stop), np.log(window), 1)[0])) if np.all(window > 0) else float("nan")
    # On this window the other directions carry < 1e-6 of the gap and the gap is ≥ 1e-9 of
    # the scale of Λ, so the fitted rate is (1 - ημ_PL)² to ~1e-6; the catalog's ±1e-3 is kept.
    expect.that(
        abs(fitted - q_slow) <= tol.rate["abs"],
        f"late in the run Λ - Λ* decays by (1 - ημ_PL)² = {q_slow:.6g} per step",
        quantity=f"rate of Λ(θ_k) - Λ* over k = {start}..{stop - 1} (fitted by the grader on your fvals)",
        detail=f"fitted rate {fitted:.8g}",
    )
    own = student.empirical_rate(fvals, fstar, start, stop)
    expect.close(own, fitted, expect.Tol(1e-8, 0.0), names=f"empirical_rate(your fvals, Λ*, {start}, {stop})")
    drift = np.max(np.linalg.norm((thetas - theta0) @ (np.eye(d) - V @ V.T), axis=1)) / np.linalg.norm(theta0)
    expect.that(
        drift <= 1e-10,
        "the component of θ_k in the null space of X never changes (every step is a multiple of Xᵀ(...))",
        quantity="‖P_null (θ_k - θ_0)‖ / ‖θ_0‖ along your run",
        detail=f"it reached {drift:.3g}",
    )


def _bias_check(student, rng, tol, eigs, M, d):
    eigs = np.sort(np.asarray(eigs))[::-1]
    X, y, _ = low_rank_problem(rng, M, d, eigs, noise=0.3)
    K = int(np.ceil(np.log(1e-13) / np.log(1 - eigs[-1] / eigs[0])))
    thetas, _ = trajectory(student.gd_ls_trajectory(X, y, np.zeros(d), 1.0 / eigs[0], K), K, d)
    # (1 - μ/L)^K ≤ 1e-13: the iterate equals X⁺y to ~1e-13; 1e-8 is ample
    expect.close(
        thetas[-1], np.linalg.pinv(X) @ y, expect.Tol(tol.bias["rel"], tol.bias["rel"] * np.linalg.norm(np.linalg.pinv(X) @ y)),
        names=f"θ_K from θ_0 = 0 after {K} steps (GD's implicit bias: the minimum-norm solution X⁺y)",
    )


def test_small(student, ref, rng):
    """X (5, 3), 4 steps, η = 0.1"""
    X, y, theta0 = rng.standard_normal((5, 3)), rng.standard_normal(5), rng.standard_normal(3)
    expect.close(student.gd_ls_trajectory(X, y, theta0, 0.1, 4), ref.gd_ls_trajectory(X, y, theta0, 0.1, 4))


def test_closed_form(student, rng, tol):
    """rank 2 of d = 4 (M = 6), 25 steps: the geometric series in the eigenbasis of XᵀX/M"""
    X, y, _ = low_rank_problem(rng, 6, 4, [2.0, 0.5], noise=0.5)
    theta0 = rng.standard_normal(4)
    expect.close(student.gd_ls_trajectory(X, y, theta0, 0.4, 25), ls_closed_form(X, y, theta0, 0.4, 25), "closed_form")


def test_fvals_are_the_objective(student, rng):
    """fvals[k] = ‖X θ_k - y‖²/(2M) for your own rows θ_k (recorded BEFORE step k)"""
    X, y, theta0 = rng.standard_normal((8, 3)), rng.standard_normal(8), rng.standard_normal(3)
    thetas, fvals = trajectory(student.gd_ls_trajectory(X, y, theta0, 0.05, 6), 6, 3)
    r = thetas @ X.T - y
    expect.close(fvals, np.sum(r * r, axis=1) / 16, expect.Tol(1e-12, 1e-14), names="fvals (must be Λ(θ_k) = ‖Xθ_k - y‖²/(2M) at your row k)")


def test_rate_geometric(student):
    """exactly geometric sequences Λ* + C r^k: r = 0.9 with Λ* = 0.7, r = 0.5 with Λ* = 0"""
    k = np.arange(30)
    got = student.empirical_rate.many([(0.7 + 3.0 * 0.9**k, 0.7, 5, 25), (2.0 * 0.5**k, 0.0, 0, 30)])
    expect.close(got[0], 0.9, expect.Tol(1e-10, 0), names="empirical_rate of 0.7 + 3·0.9^k with Λ* = 0.7 (subtract Λ* before the log)")
    expect.close(got[1], 0.5, expect.Tol(1e-10, 0), names="empirical_rate of 2·0.5^k")


def test_rate_window(student, ref):
    """a two-mode sequence Λ* + 0.8^k + 5·0.6^k on the window 3..9: the least-squares fit"""
    k = np.arange(20)
    f = 0.25 + 0.8**k + 5 * 0.6**k
    expect.close(student.empirical_rate(f, 0.25, 3, 10), ref.empirical_rate(f, 0.25, 3, 10))


def test_pl_rate(student, rng, tol):
    """[theory] rank 4 of d = 7 (M = 30), η = 1/L: PL bound, late rate (1-ημ_PL)², null space frozen"""
    _pl_check(student, rng, tol, [1.0, 0.7, 0.4, 0.1], 30, 7)


def test_implicit_bias(student, rng, tol):
    """[theory] from θ_0 = 0, GD converges to the minimum-norm solution X⁺y (rank 3 of d = 6)"""
    _bias_check(student, rng, tol, [1.0, 0.5, 0.2], 20, 6)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, tol, trial):
    """M = 1, M < d and random; η random ≤ 1.9/L; against the reference and the closed form"""
    M, d = [(1, 3), (int(rng.integers(2, 4)), int(rng.integers(4, 8))), (int(rng.integers(5, 20)), int(rng.integers(2, 6)))][trial]
    X, y, theta0 = rng.standard_normal((M, d)), rng.standard_normal(M), rng.standard_normal(d)
    L = np.linalg.norm(X, 2) ** 2 / M
    lr, K = float(rng.uniform(0.1, 1.9)) / L, int(rng.integers(1, 40))
    got = student.gd_ls_trajectory(X, y, theta0, lr, K)
    expect.close(got, ref.gd_ls_trajectory(X, y, theta0, lr, K))
    expect.close(got, ls_closed_form(X, y, theta0, lr, K), "closed_form")


@mark.hidden
def test_hidden_rate_random(student, ref, rng):
    """random mixtures of three geometric modes, random windows"""
    k = np.arange(60)
    rates = np.sort(rng.uniform(0.3, 0.95, 3))
    fstar = float(0.1 * rng.uniform())
    f = fstar + sum(rng.uniform(0.5, 3) * r**k for r in rates)
    start = int(rng.integers(0, 30))
    stop = start + int(rng.integers(2, 25))
    expect.close(student.empirical_rate(f, fstar, start, stop), ref.empirical_rate(f, fstar, start, stop))


@mark.hidden
def test_hidden_pl_rate(student, rng, tol):
    """[theory] the PL checks with a random spectrum (rank 3..5, λ_{r-1} ≥ 3 μ_PL)"""
    r = int(rng.integers(3, 6))
    mu = float(rng.uniform(0.05, 0.2))
    eigs = np.concatenate([[1.0], rng.uniform(3 * mu, 0.9, r - 2), [mu]])
    _pl_check(student, rng, tol, eigs, int(rng.integers(25, 40)), r + int(rng.integers(1, 4)))


@mark.hidden
def test_hidden_implicit_bias(student, rng, tol):
    """[theory] the minimum-norm limit with a random spectrum"""
    r = int(rng.integers(2, 5))
    eigs = np.concatenate([[1.0], rng.uniform(0.15, 1.0, r - 1)])
    _bias_check(student, rng, tol, eigs, int(rng.integers(10, 30)), r + int(rng.integers(1, 4)))
