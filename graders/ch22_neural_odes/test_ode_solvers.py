"""Grader for ch22.ode_solvers: Euler and RK4 against the reference on a
non-autonomous batched field (forwards and backwards in time, (d,) and (m, d)
states), against the exact discrete solutions of a linear ODE ((I + hA)^n and
the degree-4 Taylor polynomial of hA), the times f is evaluated at and the
number of calls; and the theorems on the student's own solvers: fitted orders
1 ± 0.15 and 4 ± 0.15 (windows calibrated in bench/ch22_calibration.py)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import EULER_NS, RK4_NS, TRUTH_N, Field, fitted_order, order_case, rk4_polynomial, stage_times, tanh_field

RK4_STAGES = (0.0, 0.5, 0.5, 1.0)


def _calls(field, t0, T, n, stages, name):
    want = stage_times(t0, T, n, stages)
    got = np.array(field.times)
    expect.that(got.shape == want.shape, f"{name} evaluates f exactly {len(stages)} time(s) per step ({len(want)} calls for n = {n})",
                quantity="calls of f", detail=f"got {got.size} calls")
    k = int(np.argmax(np.abs(got - want)))
    expect.that(np.allclose(got, want, rtol=0, atol=1e-12),
                f"{name} evaluates f at the times t_k + s·h, s = {', '.join(f'{s:g}' for s in stages)}",
                quantity="times of the calls of f",
                detail=f"call {k} (step {k // len(stages)}, stage {k % len(stages) + 1}) was at t = {got[k]:.6g}, expected {want[k]:.6g}")


def test_euler_small(student, ref, rng):
    """Euler, 5 steps on [0.3, 1.3] for a batch of 3 states in ℝ², f(t, x) = tanh(Wx + b) + sin(ωt) c"""
    f = tanh_field(rng, (3, 2))
    x0 = rng.standard_normal((3, 2))
    got = student.euler(f, x0, 0.3, 1.3, 5)
    _calls(f, 0.3, 1.3, 5, (0.0,), "euler")
    expect.close(got, ref.euler(f, x0, 0.3, 1.3, 5))


def test_rk4_small(student, ref, rng):
    """RK4, 4 steps on [0.3, 1.3] for a batch of 3 states in ℝ²: values, and f called at t_k, t_k + h/2 (twice), t_k + h"""
    f = tanh_field(rng, (3, 2))
    x0 = rng.standard_normal((3, 2))
    got = student.rk4(f, x0, 0.3, 1.3, 4)
    _calls(f, 0.3, 1.3, 4, RK4_STAGES, "rk4")
    expect.close(got, ref.rk4(f, x0, 0.3, 1.3, 4))


def test_linear_closed_forms(student, rng):
    """ẋ = Ax with a vector x0 of shape (3,): Euler gives (I + hA)^k x0 and RK4 gives P(hA)^k x0, P(M) = I + M + M²/2 + M³/6 + M⁴/24"""
    A = rng.standard_normal((3, 3))
    x0 = rng.standard_normal(3)
    n, h = 6, 0.8 / 6
    want_e = np.array([np.linalg.matrix_power(np.eye(3) + h * A, k) @ x0 for k in range(n + 1)])
    expect.close(student.euler(Field((3,), A=A).in_child(), x0, 0.0, 0.8, n), want_e, names="Euler trajectory ((I + hA)^k x0)")
    n, h = 3, 0.8 / 3
    want_r = np.array([np.linalg.matrix_power(rk4_polynomial(h * A), k) @ x0 for k in range(n + 1)])
    expect.close(student.rk4(Field((3,), A=A).in_child(), x0, 0.0, 0.8, n), want_r, names="RK4 trajectory (P(hA)^k x0)")


def test_backwards_in_time(student, ref, rng):
    """T < t0 (h < 0): both solvers from t0 = 1 back to T = 0, 3 steps"""
    f = tanh_field(rng, (2, 3)).in_child()
    x0 = rng.standard_normal((2, 3))
    expect.close(student.euler(f, x0, 1.0, 0.0, 3), ref.euler(f, x0, 1.0, 0.0, 3))
    expect.close(student.rk4(f, x0, 1.0, 0.0, 3), ref.rk4(f, x0, 1.0, 0.0, 3))


def _orders(student, ref, rng, tol):
    f, x0, t0, T = order_case(rng)
    f = f.in_child()  # 450 evaluations: in the student's process
    truth = ref.rk4(f, x0, t0, T, TRUTH_N)[-1]
    for name, ns, p in (("euler", EULER_NS, 1.0), ("rk4", RK4_NS, 4.0)):
        solve = getattr(student, name)
        errs = [np.linalg.norm(expect.like(solve(f, x0, t0, T, n), np.zeros((n + 1,) + x0.shape))[-1] - truth) for n in ns]
        hs = (T - t0) / np.array(ns, dtype=np.float64)
        expect.that(min(errs) > 0, f"{name} must approximate the solution, not reproduce it exactly", quantity=f"{name} errors")
        slope = fitted_order(errs, hs)
        expect.that(
            abs(slope - p) <= tol.order["tol"],  # reference over 1000 random fields: |slope - 1| ≤ 0.032, |slope - 4| ≤ 0.122 (bench/ch22_calibration.py)
            f"{name} must converge with order {p:g}: fitted slope of log(error) against log(h) within {p:g} ± {tol.order['tol']:g}",
            quantity=f"order of {name}",
            detail="n = " + ", ".join(map(str, ns)) + "; errors at T: " + ", ".join(f"{e:.3g}" for e in errs) + f"; fitted order {slope:.3f}",
        )


def test_orders(student, ref, rng, tol):
    """the theorems on your solvers: errors at T for n = 10..80 (Euler) and 5..40 (RK4) give fitted orders 1 ± 0.15 and 4 ± 0.15"""
    _orders(student, ref, rng, tol)


def test_empirical_order(student, ref, rng):
    """e = 3 h^2.5 exactly gives 2.5; noisy errors against the reference least-squares slope"""
    hs = np.array([0.4, 0.2, 0.1, 0.05])
    expect.close(student.empirical_order(3 * hs**2.5, hs), 2.5, names="fitted order of e = 3 h^2.5")
    errs = 0.7 * hs**1.3 * np.exp(0.2 * rng.standard_normal(4))
    expect.close(student.empirical_order(errs, hs), ref.empirical_order(errs, hs))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random d, batch or vector states, t0 and T (either direction), n = 1, 2 and more"""
    d = int(rng.integers(1, 5))
    shape = [(d,), (1, d), (int(rng.integers(2, 6)), d)][trial]
    n = [1, 2, int(rng.integers(3, 9))][trial]
    t0, T = float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2))
    x0 = rng.standard_normal(shape)
    for name in ("euler", "rk4"):
        f = tanh_field(rng, shape, scale=(0.3, 2.0)).in_child()
        expect.close(getattr(student, name)(f, x0, t0, T, n), getattr(ref, name)(f, x0, t0, T, n))


@mark.hidden
def test_hidden_orders(student, ref, rng, tol):
    """per-student field: fitted orders 1 ± 0.15 and 4 ± 0.15"""
    _orders(student, ref, rng, tol)


@mark.hidden
def test_hidden_empirical_order(student, ref, rng):
    """random numbers of points and slopes, errors spanning several decades"""
    k = int(rng.integers(2, 8))
    hs = np.sort(rng.uniform(1e-3, 1, k))
    errs = rng.uniform(0.1, 10) * hs ** rng.uniform(0.5, 5) * np.exp(0.3 * rng.standard_normal(k))
    expect.close(student.empirical_order(errs, hs), ref.empirical_order(errs, hs))
