"""Grader for ch19.kernel_regime_prediction.

Independent of any formula for the solution: h_0 at t = 0, the ODE itself
(five-point differences in t of the student's h_t against (α/M) A(·, X)(y - h_t(X))),
the flow property (restart at t from h_t, run for u, land on h_{t+u}), the limit
t → ∞ (kernel interpolation, by np.linalg.solve); the theorem: the residual bound
‖r_t‖ ≤ e^{-αλ_min t/M}‖r_0‖ and the fitted late decay rate α λ_min / M. Plus the
reference on well-conditioned and singular kernels."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import joint_kernel


def _inputs(rng, M, n, rank=None):
    A, B = joint_kernel(rng, M, n, rank)
    return A, B, rng.standard_normal(M), rng.standard_normal(n), rng.standard_normal(M)


def _ode_check(student, rng, tol, A, B, h0, h0x, y, alpha):
    """h_0 at t = 0, dh/dt = (α/M) A(·, X)(y - h_t(X)) at three times, and the flow property."""
    M = y.shape[0]
    lam_max = float(np.linalg.eigvalsh(A)[-1])
    tau = M / (alpha * lam_max)  # the fastest time scale of the ODE
    times = [float(v) * tau for v in rng.uniform(0.2, 3.0, 3)]
    delta = 1e-2 * tau
    stencil = (-2.0, -1.0, 1.0, 2.0)
    calls = [(A, B, h0, h0x, y, alpha, 0.0)]
    calls += [(A, B, h0, h0x, y, alpha, t) for t in times]
    calls += [(A, B, h0, h0x, y, alpha, t + k * delta) for t in times for k in stencil]
    outs = student.ntk_predict.many(calls)
    outs = [expect.like(o, (h0, h0x)) for o in outs]
    start, at = outs[0], outs[1 : 1 + len(times)]
    expect.close(start, (h0, h0x), names=["h_0 on the training inputs", "h_0 on the test inputs"],
                 detail="at t = 0 the solution is the initial condition h_0")
    for j, (t, (h, hx)) in enumerate(zip(times, at)):
        p = [outs[1 + len(times) + 4 * j + i] for i in range(4)]
        d_train = (p[0][0] - 8 * p[1][0] + 8 * p[2][0] - p[3][0]) / (12 * delta)
        d_test = (p[0][1] - 8 * p[1][1] + 8 * p[2][1] - p[3][1]) / (12 * delta)
        r = y - h
        want = np.concatenate([(alpha / M) * (A @ r), (alpha / M) * (B @ r)])
        got = np.concatenate([d_train, d_test])
        err = float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-300))
        # five-point stencil at δ = τ/100: truncation ~ δ⁴/30 ~ 3e-10 and rounding ~ 1e-14 relative
        expect.that(
            err <= tol.ode["rel"] and np.linalg.norm(want) > 1e-8,
            "your h_t must solve d/dt h_t(x) = (α/M) Σ_m (y_m - h_t(x_m)) A(x, x_m)",
            quantity=f"dh/dt at t = {t:.4g}",
            detail=f"the five-point difference of your h_t in t (step {delta:.3g}) differs from (α/M) A(·, X)(y - h_t(X)) "
            f"by {err:.3g} relative (allowed {tol.ode['rel']:g}); a wrong time scale (the 1/M) or sign shows here",
        )
    # the flow property: restarting from (h_t, h_t(test)) and running for u gives h_{t+u}
    t, u = times[0], times[1]
    h, hx = at[0]
    restart, direct = student.ntk_predict.many([(A, B, h, hx, y, alpha, u), (A, B, h0, h0x, y, alpha, t + u)])
    expect.close(restart, direct, names=["h_{t+u} on the training inputs (restarted at t)", "h_{t+u} on the test inputs (restarted at t)"],
                 detail="running for u from the state at time t must give the state at t + u (the solution of an autonomous ODE)")


def _rate_check(student, rng, tol, M, n, alpha):
    """‖r_t‖ ≤ e^{-αλ_min t/M}‖r_0‖ on a time grid; fitted late rate = αλ_min/M."""
    Q, _ = np.linalg.qr(rng.standard_normal((M, M)))
    lam = np.concatenate([[float(rng.uniform(0.08, 0.15))], rng.uniform(0.6, 2.0, M - 1)])
    A = (Q * lam) @ Q.T
    A = 0.5 * (A + A.T)
    B = rng.standard_normal((n, M)) * 0.3
    h0, h0x = rng.standard_normal(M), rng.standard_normal(n)
    v = rng.standard_normal(M)  # r_0 = y - h_0 in A's eigenbasis, the slowest mode clearly excited
    v[0] = float(rng.choice([-1.0, 1.0])) * float(rng.uniform(0.5, 1.5))
    y = h0 + Q @ v
    lam_min = float(np.linalg.eigvalsh(A)[0])
    s_rate = alpha * lam_min / M
    # late window: the other modes are smaller by e^{-α(λ_2 - λ_1)t/M} ≤ e^{-0.45·30} ≈ 1.4e-6 at t1 (and the
    # slowest mode has |q_1·r_0| ≥ 0.5), so the fitted slope is α λ_min/M to ~1e-10 relative; the residual stays
    # ≥ 0.5 e^{-0.15·40} ≈ 1e-3, far above rounding.
    t1, t2 = 30.0 * M / alpha, 40.0 * M / alpha
    grid = [0.0] + [float(k) for k in np.linspace(0.1, 1.0, 6) * t2]
    outs = student.ntk_predict.many([(A, B, h0, h0x, y, alpha, t) for t in grid + [t1, t2]])
    outs = [expect.like(o, (h0, h0x)) for o in outs]
    r0 = np.linalg.norm(y - h0)
    for t, (h, _) in zip(grid, outs):
        bound = np.exp(-s_rate * t) * r0
        rt = float(np.linalg.norm(y - h))
        expect.that(
            rt <= bound * (1 + 1e-9) + 1e-12,
            "‖r_t‖ ≤ e^{-α λ_min(A) t/M} ‖r_0‖ (global convergence in the kernel regime)",
            quantity=f"‖y - h_t(X)‖ at t = {t:.4g}",
            detail=f"yours {rt:.6g}, bound {bound:.6g} (λ_min = {lam_min:.4g}, α = {alpha:g}, M = {M})",
        )
    r1, r2 = (float(np.linalg.norm(y - o[0])) for o in outs[-2:])
    rate = (np.log(r1) - np.log(r2)) / (t2 - t1) if r1 > 0 and r2 > 0 else float("nan")
    expect.that(
        abs(rate - s_rate) <= tol.rate["rel"] * s_rate,
        "the residual must decay at the rate α λ_min(A)/M for large t",
        quantity="fitted decay rate of ‖r_t‖",
        detail=f"-d/dt log‖r_t‖ between t = {t1:g} and {t2:g}: yours {rate:.6g}, theory α λ_min/M = {s_rate:.6g} "
        f"(allowed relative error {tol.rate['rel']:g})",
    )


def test_small(student, ref, rng):
    """M = 4 training and 3 test inputs, a well-conditioned kernel, α = 1.5, t = 2"""
    A, B, h0, h0x, y = _inputs(rng, 4, 3)
    expect.close(student.ntk_predict(A, B, h0, h0x, y, 1.5, 2.0), ref.ntk_predict(A, B, h0, h0x, y, 1.5, 2.0))


def test_solves_the_ode(student, rng, tol):
    """h_0 at t = 0, the ODE by five-point differences in t, and the flow property (M = 5, 2 test inputs, α = 0.7)"""
    _ode_check(student, rng, tol, *_inputs(rng, 5, 2), 0.7)


def test_singular_kernel(student, ref, rng, tol):
    """a singular A (rank 2 < M = 5, a repeated training input): no A⁻¹, φ_s(0) = s"""
    A, B, h0, h0x, y = _inputs(rng, 5, 3, rank=2)
    expect.close(student.ntk_predict(A, B, h0, h0x, y, 1.0, 3.0), ref.ntk_predict(A, B, h0, h0x, y, 1.0, 3.0))
    _ode_check(student, rng, tol, A, B, h0, h0x, y, 1.0)


def test_convergence_rate(student, rng, tol):
    """[theory] ‖r_t‖ ≤ e^{-αλ_min t/M}‖r_0‖ at every t, and the late decay rate is α λ_min/M (M = 6, α = 2)"""
    _rate_check(student, rng, tol, 6, 2, 2.0)


def test_infinite_time(student, rng):
    """t → ∞: h_t(X) = y and h_t(x) = h_0(x) + A(x, X) A⁻¹ (y - h_0(X)) (kernel interpolation)"""
    A, B, h0, h0x, y = _inputs(rng, 4, 3)
    lam_min = float(np.linalg.eigvalsh(A)[0])
    t = 1e3 * 4 / lam_min  # e^{-sλ} underflows to 0 for every eigenvalue
    want = (y, h0x + B @ np.linalg.solve(A, y - h0))
    expect.close(student.ntk_predict(A, B, h0, h0x, y, 1.0, t), want,
                 detail="for large t the residual vanishes: the network interpolates the data, and the test "
                 "predictions are those of kernel regression with kernel A started from h_0")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random sizes (M = 1 and n = 1 included), α, t"""
    M = [1, int(rng.integers(2, 9)), int(rng.integers(2, 9))][trial]
    n = [int(rng.integers(1, 5)), 1, int(rng.integers(2, 6))][trial]
    A, B, h0, h0x, y = _inputs(rng, M, n)
    alpha, t = float(rng.uniform(0.1, 3.0)), float(rng.uniform(0.0, 10.0))
    expect.close(student.ntk_predict(A, B, h0, h0x, y, alpha, t), ref.ntk_predict(A, B, h0, h0x, y, alpha, t))


@mark.hidden
def test_hidden_singular(student, ref, rng, tol):
    """random rank-deficient kernels, with the ODE check"""
    M = int(rng.integers(3, 8))
    A, B, h0, h0x, y = _inputs(rng, M, int(rng.integers(1, 4)), rank=int(rng.integers(1, M)))
    alpha, t = float(rng.uniform(0.3, 2.0)), float(rng.uniform(0.5, 5.0))
    expect.close(student.ntk_predict(A, B, h0, h0x, y, alpha, t), ref.ntk_predict(A, B, h0, h0x, y, alpha, t))
    _ode_check(student, rng, tol, A, B, h0, h0x, y, alpha)


@mark.hidden
def test_hidden_zero_time(student, rng):
    """t = 0 returns h_0 exactly (singular A)"""
    A, B, h0, h0x, y = _inputs(rng, 4, 2, rank=1)
    expect.close(student.ntk_predict(A, B, h0, h0x, y, 1.0, 0.0), (h0, h0x))


@mark.hidden
def test_hidden_rate(student, rng, tol):
    """[theory] the bound and the late rate for random M and α"""
    _rate_check(student, rng, tol, int(rng.integers(3, 8)), int(rng.integers(1, 4)), float(rng.uniform(0.5, 3.0)))
