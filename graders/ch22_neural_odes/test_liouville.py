"""Grader for ch22.liouville: the exact discrete solution for a linear field
(J = P(hA)^n with P RK4's degree-4 polynomial, ∫ tr = T tr A); a tanh field
against the reference, with the call budget; and the theorems on the student's
own results: Liouville's identity log|det J| = ∫ tr ∂f/∂x to 2e-6 at n = 40,
and the trace integral converging with order 4 (bench/ch22_calibration.py)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import TRACE_NS, JacobianField, fitted_order, liouville_field, rk4_polynomial


def _template(m, d):
    return (np.zeros((m, d, d)), np.zeros(m))


def _budget(field, n):
    expect.that(field.calls == 4 * n, f"field is called exactly 4n = {4 * n} times (once per RK4 stage, the whole batch)",
                quantity="calls of field", detail=f"got {field.calls} calls")


def test_linear_field(student, rng):
    """f(x) = Ax: RK4 gives J = P(hA)^n exactly, P(M) = I + M + M²/2 + M³/6 + M⁴/24, and ∫ tr = T tr A (d = 3, n = 8)"""
    A = rng.standard_normal((3, 3))
    field = JacobianField(2, 3, A=A)
    got = student.flow_jacobian(field, rng.standard_normal((2, 3)), 0.9, 8)
    _budget(field, 8)
    J = np.linalg.matrix_power(rk4_polynomial(0.9 / 8 * A), 8)
    expect.close(got, (np.stack([J, J]), np.full(2, 0.9 * np.trace(A))), names=["J(T) (= P(hA)^n)", "∫ tr ∂f/∂x dt (= T tr A)"])


def test_tanh_field(student, ref, rng):
    """f(x) = tanh(Wx + b), 3 starting points in ℝ³, T = 1, n = 20"""
    field = liouville_field(rng, 3, 3)
    x0 = rng.standard_normal((3, 3))
    got = student.flow_jacobian(field, x0, 1.0, 20)
    _budget(field, 20)
    expect.close(got, ref.flow_jacobian(field, x0, 1.0, 20))


def _identity(student, rng, tol, m=4, d=3):
    field = liouville_field(rng, m, d).in_child()
    J, ell = expect.like(student.flow_jacobian(field, rng.standard_normal((m, d)), 1.0, 40), _template(m, d))
    expect.that(np.abs(ell).max() > 1e-3, "the trace integral is not zero for this field", quantity="∫ tr ∂f/∂x dt",
                detail=f"got {ell.tolist()}")
    sign, logdet = np.linalg.slogdet(J)
    gap = np.abs(logdet - ell)
    expect.that(
        bool(np.all(sign != 0) and gap.max() <= tol.identity["atol"]),  # RK4 errors O(h⁴); reference over 1000 fields ≤ 2.1e-7
        f"Liouville: log|det J(T)| = ∫_0^T tr ∂f/∂x dt, to {tol.identity['atol']:g} at n = 40",
        quantity="log|det J(T)| vs ∫ tr ∂f/∂x dt",
        detail=f"largest |log|det J| - ∫ tr| = {gap.max():.3g} (point {int(np.argmax(gap))}: log|det J| = {logdet[int(np.argmax(gap))]:.8g}, ∫ tr = {ell[int(np.argmax(gap))]:.8g})",
    )


def test_liouville_identity(student, rng, tol):
    """the theorem on your results: log|det J(T)| = ∫_0^T tr ∂f/∂x dt within 2e-6 for a tanh field (4 points in ℝ³, n = 40)"""
    _identity(student, rng, tol)


def _trace_order(student, ref, rng, tol):
    field = liouville_field(rng, 3, 2).in_child()
    x0 = rng.standard_normal((3, 2))
    truth = ref.flow_jacobian(field, x0, 1.0, 400)[1]
    errs = []
    for n in TRACE_NS:
        _, ell = expect.like(student.flow_jacobian(field, x0, 1.0, n), _template(3, 2))
        errs.append(float(np.linalg.norm(ell - truth)))
    expect.that(min(errs) > 0, "the trace integral must be approximated, not exact here", quantity="∫ tr ∂f/∂x dt")
    slope = fitted_order(errs, 1.0 / np.array(TRACE_NS, dtype=np.float64))
    expect.that(
        abs(slope - 4) <= tol.order["tol"],  # reference over 1000 fields in [3.22, 4.40]; left Riemann ≈ 1 (bench/ch22_calibration.py)
        "the trace integral, integrated inside the RK4 system, converges with order 4",
        quantity="order of ∫ tr ∂f/∂x dt",
        detail="n = " + ", ".join(map(str, TRACE_NS)) + "; errors " + ", ".join(f"{e:.3g}" for e in errs) + f"; fitted order {slope:.3f}"
               + (" (order 1 suggests a left Riemann sum: use the four stages' traces with RK4's weights)" if slope < 2 else ""),
    )


def test_trace_order(student, ref, rng, tol):
    """the trace integral converges with order 4 ± 1 (n = 5, 10, 20, errors against n = 400 of the reference)"""
    _trace_order(student, ref, rng, tol)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random d (1 included), m (1 included), T and n"""
    d = [1, int(rng.integers(2, 5)), int(rng.integers(2, 5))][trial]
    m = [int(rng.integers(2, 5)), 1, int(rng.integers(2, 6))][trial]
    field = liouville_field(rng, m, d, scale=(0.3, 2.0)).in_child()
    x0 = rng.standard_normal((m, d))
    T, n = float(rng.uniform(0.2, 2)), int(rng.integers(1, 15))
    expect.close(student.flow_jacobian(field, x0, T, n), ref.flow_jacobian(field, x0, T, n))


@mark.hidden
def test_hidden_identity(student, rng, tol):
    """per-student field: Liouville's identity within 2e-6 at n = 40"""
    _identity(student, rng, tol, m=int(rng.integers(1, 5)), d=int(rng.integers(2, 5)))
