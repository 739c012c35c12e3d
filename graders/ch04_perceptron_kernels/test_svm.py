"""Grader for ch04.svm.

Primal: Λ and the subgradient against the reference; on the student's own Λ
(checked against its value first) central differences away from the kinks;
margins of exactly 1 (dyadic data, so the kink is exact) for the slope-0
convention. Pegasos: the trajectory against the reference, and every step
checked against the stated update on the student's own previous row, with a
kink at step 2. Dual: graded by what optimality means, whatever the solver:
feasibility, the maximal KKT violation computed here, the duality gap
P(α, b) - λ D(α) (zero exactly at the optimum, by strong duality), and the
decision values Σ α_m y_m k(x_m, x) against the reference's.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import blobs, dual_value, hinge_objective, kink_data, kkt_violation, pegasos_kink_case, primal_value, rbf

# -- the primal objective and its subgradient ---------------------------------------------


def _template(d):
    return (0.0, np.zeros(d), 0.0)


def away_from_kinks(rng, M, d):
    """(w, b, X, y) with every margin y(w·x + b) at least 1e-3 away from the kink at 1."""
    while True:
        X, y = blobs(rng, M, d)
        w, b = rng.standard_normal(d), float(rng.standard_normal())
        if np.min(np.abs(y * (X @ w + b) - 1.0)) >= 1e-3:
            return w, b, X, y


def test_objective_values(student, ref, rng):
    """Λ and its subgradient, M = 9, d = 3, λ from the seed, a visible bias (b is not penalised)"""
    w, b, X, y = away_from_kinks(rng, 9, 3)
    lam = float(rng.uniform(0.05, 1.0))
    expect.close(student.svm_objective_grad(w, b, X, y, lam), ref.svm_objective_grad(w, b, X, y, lam))


def test_subgradient_is_the_gradient(student, rng, tol):
    """away from the kinks Λ is differentiable: your (g_w, g_b) against central differences of your Λ (whose value is checked first)"""
    w, b, X, y = away_from_kinks(rng, 12, 4)
    lam = float(rng.uniform(0.05, 1.0))
    loss, gw, gb = expect.like(student.svm_objective_grad(w, b, X, y, lam), _template(4))
    expect.close(loss, hinge_objective(w, b, X, y, lam), names="Λ(w, b) (should be (λ/2)‖w‖² + (1/M) Σ max(0, 1 - y_m (w·x_m + b)))")
    h = 1e-7  # every margin is ≥ 1e-3 from the kink, so ±h never crosses it: Λ is quadratic there
    points = []
    for k in range(5):
        e = np.zeros(5)
        e[k] = h
        points += [(w + e[:4], b + e[4], X, y, lam), (w - e[:4], b - e[4], X, y, lam)]
    values = [expect.like(out, _template(4))[0] for out in student.svm_objective_grad.many(points)]
    fd = np.array([(values[2 * k] - values[2 * k + 1]) / (2 * h) for k in range(5)])
    expect.gradient(np.append(gw, gb), fd, rel=tol.fd["rel"], quantity="(g_w, g_b) against central differences of your Λ")


def test_kink(student, ref, rng):
    """margins y(w·x + b) = 1 exactly for a third of the samples: the slope at the kink is 0 (active only if y(w·x + b) < 1)"""
    lam = float(rng.uniform(0.05, 1.0))
    w, b, X, y = kink_data(rng, 9, 3, lam)
    expect.close(
        student.svm_objective_grad(w, b, X, y, lam), ref.svm_objective_grad(w, b, X, y, lam),
        detail="Samples with a margin of exactly 1 sit on the hinge's kink; the docstring takes the slope 0 there, "
        "so they do not enter the subgradient: the active set is y_m (w·x_m + b) < 1, strictly.",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("M,d", [(1, 2), (2, 1), (15, 5)])
def test_hidden_objective(student, ref, rng, tol, M, d):
    """random shapes incl. M = 1 and 2, λ over three decades, kinks pinned"""
    lam = float(10 ** rng.uniform(-3, 0))
    w, b, X, y = kink_data(rng, M, d, lam)
    expect.close(student.svm_objective_grad(w, b, X, y, lam), ref.svm_objective_grad(w, b, X, y, lam))
    X, y = blobs(rng, max(M, 2), d)
    w, b = 3.0 * rng.standard_normal(d), float(rng.standard_normal())
    expect.close(student.svm_objective_grad(w, b, X, y, lam), ref.svm_objective_grad(w, b, X, y, lam))


# -- Pegasos ---------------------------------------------------------------------------------


def check_steps(traj, X, y, lam, idx, tol):
    """Every row from the previous one by the stated update, on the student's own rows."""
    T, d = len(idx), X.shape[1]
    expect.close(traj[0], np.zeros(d), tol.pegasos, names="w_0 (row 0 must be the zero vector)")
    for t in range(1, T + 1):
        i = int(idx[t - 1])
        prev = traj[t - 1]
        margin = float(y[i] * (prev @ X[i]))
        active = margin < 1.0
        want = (1.0 - 1.0 / t) * prev + (y[i] * X[i] / (lam * t) if active else 0.0)
        if np.all(np.abs(traj[t] - want) <= tol.pegasos.atol + tol.pegasos.rtol * np.abs(want)):
            continue
        other = (1.0 - 1.0 / t) * prev + (0.0 if active else y[i] * X[i] / (lam * t))
        hints = []
        if margin == 1.0 and np.allclose(traj[t], other, rtol=1e-9, atol=1e-12):
            hints.append("the margin is exactly 1 (the kink): it must not count as active (< 1, strictly)")
        if np.allclose(traj[t], prev + (y[i] * X[i] / (lam * t) if active else 0.0), rtol=1e-9, atol=1e-12):
            hints.append("the shrink factor (1 - η_t λ) = 1 - 1/t of the penalty's gradient is missing")
        if t > 1 and np.allclose(traj[t], (1.0 - 1.0 / (t + 1)) * prev + (y[i] * X[i] / (lam * (t + 1)) if active else 0.0), rtol=1e-9, atol=1e-12):
            hints.append("η_t = 1/(λ(t+1)): the step counter must start at t = 1")
        expect.that(
            False,
            f"row {t} must be w_{t} = (1 - 1/{t}) w_{t - 1}" + (f" + y_i x_i/(λ·{t})" if active else "") + f" with i = idx[{t - 1}] = {i}",
            quantity=f"row {t} of the trajectory",
            detail=f"y_i w_{t - 1}·x_i = {margin:.6g} ({'< 1: active' if active else '≥ 1: not active'}); "
            f"greatest difference {np.max(np.abs(traj[t] - want)):.3g}" + (" (" + "; ".join(hints) + ")" if hints else ""),
        )


def test_pegasos_values(student, ref, rng):
    """T = 8 steps from w_0 = 0, λ a power of 2, with a margin of exactly 1 at step 2 (the kink: not active)"""
    X, y, lam, idx = pegasos_kink_case(rng, 8, 3)
    expect.close(student.pegasos(X, y, lam, idx), ref.pegasos(X, y, lam, idx), "pegasos")


def test_pegasos_steps(student, rng, tol):
    """every row is (1 - 1/t) w_{t-1} (+ y_i x_i/(λt) when y_i w_{t-1}·x_i < 1) from your previous row, 60 steps with repeated indices"""
    X, y = blobs(rng, 12, 3)
    lam = float(rng.uniform(0.02, 0.5))
    idx = rng.integers(0, 12, 60).astype(np.int64)
    traj = expect.like(student.pegasos(X, y, lam, idx), np.zeros((61, 3)))
    check_steps(traj, X, y, lam, idx, tol)
    # unrolled: λ T w_T = Σ of y_i x_i over the active steps (each decided on your own rows)
    active = np.array([y[i] * (traj[t] @ X[i]) < 1.0 for t, i in enumerate(idx)])
    expect.close(lam * 60 * traj[-1], (active * y[idx]) @ X[idx], tol.pegasos, names="λ T w_T vs Σ_{active steps} y_i x_i")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_pegasos(student, ref, rng, tol, trial):
    """random sizes and λ, T up to 300 with repeats, a kink at step 2, d = 1 included"""
    d = [1, int(rng.integers(2, 6)), int(rng.integers(2, 6))][trial]
    T = [int(rng.integers(3, 12)), int(rng.integers(50, 300)), int(rng.integers(50, 300))][trial]
    if trial == 0:
        X, y, lam, idx = pegasos_kink_case(rng, T, d)
    else:
        X, y = blobs(rng, int(rng.integers(2, 30)), d)
        lam = float(10 ** rng.uniform(-3, 0))
        idx = rng.integers(0, len(y), T).astype(np.int64)
    traj = student.pegasos(X, y, lam, idx)
    expect.close(traj, ref.pegasos(X, y, lam, idx), "pegasos")
    check_steps(np.asarray(traj), X, y, lam, idx, tol)


# -- the kernelised dual ----------------------------------------------------------------------


def check_dual(student, ref, K, y, lam, K_test, tol):
    """Feasibility, the KKT violation, the duality gap, and the decision values."""
    M = len(y)
    C = 1.0 / (lam * M)
    alpha, b = expect.like(student.svm_dual_fit(K, y, lam), (np.zeros(M), 0.0))
    feas = tol.dual["feasible"]
    low, high = float(alpha.min()), float(alpha.max())
    expect.that(
        low >= -feas * C and high <= C * (1 + feas),
        f"every α_m must lie in the box [0, C] with C = 1/(λM) = {C:.6g}",
        quantity="α",
        detail=f"min α = {low:.6g}, max α = {high:.6g}" + ("; is C = 1/λ instead of 1/(λM)?" if high > C * 1.5 else ""),
    )
    balance = float(alpha @ y)
    expect.that(
        abs(balance) <= feas * C * M,
        "the equality constraint Σ_m y_m α_m = 0 (from the unpenalised bias b) must hold",
        quantity="α",
        detail=f"Σ y_m α_m = {balance:.3g}",
    )
    violation, i, j = kkt_violation(K, y, lam, alpha)
    expect.that(
        violation <= tol.dual["kkt"],
        f"the KKT conditions must hold: max over I_up of -y_t G_t minus min over I_low must be ≤ {tol.dual['kkt']:g}",
        quantity="α",
        detail=f"the pair (i, j) = ({i}, {j}) violates them by {violation:.3g} (G = Qα - 1)",
    )
    gap = primal_value(K, y, lam, alpha, b) - lam * dual_value(K, y, alpha)
    expect.that(
        abs(gap) <= tol.dual["gap"],
        f"strong duality: the primal value P(α, b) must equal λ D(α) at the optimum (gap ≤ {tol.dual['gap']:g})",
        quantity="(α, b)",
        detail=f"P(α, b) - λ D(α) = {gap:.3g}; with α optimal, a gap means b is not the KKT bias "
        "(the average of y_t - Σ_n α_n y_n K_nt over the free support vectors)",
    )
    ra, _ = ref.svm_dual_fit(K, y, lam)
    expect.close(K_test @ (alpha * y), K_test @ (np.asarray(ra) * y), tol.decision,
                 names="Σ_m α_m y_m k(x_m, x) at test points (the decision function without b)")


def test_dual_rbf(student, ref, rng, tol):
    """Gaussian kernel, M = 16 overlapping points, λ from the seed: feasible, KKT ≤ 1e-8, duality gap ≤ 1e-9, decision values"""
    X, y = blobs(rng, 16, 2)
    s, lam = float(rng.uniform(0.5, 2.0)), float(rng.uniform(0.02, 0.2))
    T = rng.standard_normal((5, 2))
    check_dual(student, ref, rbf(X, X, s), y, lam, rbf(T, X, s), tol)


def test_dual_linear_strong_duality(student, rng, tol):
    """linear kernel K = XXᵀ: with w = Σ α_m y_m x_m, the primal Λ(w, b) of svm_objective_grad equals λ D(α)"""
    X, y = blobs(rng, 14, 3, gap=2.0)
    lam = float(rng.uniform(0.01, 0.2))
    alpha, b = expect.like(student.svm_dual_fit(X @ X.T, y, lam), (np.zeros(14), 0.0))
    w = X.T @ (alpha * y)
    gap = hinge_objective(w, b, X, y, lam) - lam * dual_value(X @ X.T, y, alpha)
    expect.that(
        abs(gap) <= tol.dual["gap"] and abs(float(alpha @ y)) <= 1e-10 and alpha.min() >= 0 and alpha.max() <= 1.0 / (lam * 14) * (1 + 1e-12),
        "strong duality with a feasible α: Λ(w, b) = (λ/2)‖w‖² + mean hinge = λ D(α) for w = Σ α_m y_m x_m",
        quantity="(α, b)",
        detail=f"Λ(w, b) - λ D(α) = {gap:.3g}; Σ y α = {float(alpha @ y):.3g}; α in [{alpha.min():.3g}, {alpha.max():.3g}], C = {1 / (lam * 14):.4g}",
    )


def test_dual_box_active(student, ref, rng, tol):
    """a large λ (small C) and unbalanced classes (4 against 10): most α at the bound C, few or no free support vectors"""
    X, y = blobs(rng, 14, 2, gap=0.5, n_pos=4)
    lam = float(rng.uniform(0.5, 2.0))
    T = rng.standard_normal((4, 2))
    check_dual(student, ref, rbf(X, X, 1.0), y, lam, rbf(T, X, 1.0), tol)


@mark.hidden
@mark.weight(2)
@mark.parametrize("kind", ["rbf", "poly", "linear"])
def test_hidden_dual(student, ref, rng, tol, kind):
    """random sizes (M = 2 included), λ over two decades, Gaussian, polynomial and linear kernels"""
    # λ ≥ 0.01 (C = 1/(λM) not huge) and d ≥ 2 keep the dual well posed enough for SMO to reach
    # the KKT tolerance in well under a second (a numerically rank-one Gram matrix with a large C
    # takes the maximal-violating-pair SMO 10⁵ iterations)
    M = [2, int(rng.integers(3, 25))][int(rng.integers(2))]
    d = int(rng.integers(2, 5))
    X, y = blobs(rng, M, d, gap=float(rng.uniform(0.0, 3.0)), n_pos=int(rng.integers(1, M)))
    T = rng.standard_normal((3, d))
    lam = float(10 ** rng.uniform(-2, 0))
    if kind == "rbf":
        s = float(rng.uniform(0.5, 2.0))
        K, Kt = rbf(X, X, s), rbf(T, X, s)
    elif kind == "poly":
        K, Kt = (X @ X.T / d + 1.0) ** 2, (T @ X.T / d + 1.0) ** 2
    else:
        K, Kt = X @ X.T, T @ X.T
    check_dual(student, ref, K, y, lam, Kt, tol)
