"""Grader for ch24.dual_numbers: every operation's value and tangent against the
complex step of numpy's own complex function (an independent oracle: no
derivative rule is written here), a composite expression built from the
student's operations, 2-D arrays, and σ, tanh at ±800 without overflow."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import H, complex_step, csigmoid, dual

UNARY = {"d_exp": np.exp, "d_log": np.log, "d_sin": np.sin, "d_tanh": np.tanh, "d_sigmoid": csigmoid}
BINARY = {"d_add": np.add, "d_mul": np.multiply, "d_div": np.divide}


def cs_binary(op, a, b):
    """(value, tangent) of op(a, b) by the complex step on both arguments at once."""
    za = a[0] + 1j * H * a[1]
    zb = b[0] + 1j * H * b[1]
    out = op(za, zb)
    return np.real(out), np.imag(out) / H


def cs_unary(op, a):
    return complex_step(op, a[0], a[1])


def denominator(rng, shape):
    """Values bounded away from 0, of both signs."""
    value, tangent = dual(rng, shape, positive=True)
    return value * rng.choice([-1.0, 1.0], shape), tangent


def test_add_mul_div(student, rng):
    """d_add, d_mul, d_div on vectors of length 6: values and tangents against the complex step"""
    a = dual(rng, (6,))
    b = denominator(rng, (6,))
    for name, op in BINARY.items():
        expect.close(getattr(student, name)(a, b), cs_binary(op, a, b))


def test_exp_log_sin(student, rng):
    """d_exp, d_log (positive values), d_sin on vectors of length 5, against the complex step"""
    a = dual(rng, (5,))
    p = dual(rng, (5,), positive=True)
    expect.close(student.d_exp(a), cs_unary(np.exp, a))
    expect.close(student.d_log(p), cs_unary(np.log, p))
    expect.close(student.d_sin(a), cs_unary(np.sin, a))


def test_tanh_sigmoid(student, rng):
    """d_tanh and d_sigmoid on values in [-3, 3] with tangents unlike the values, against the complex step"""
    a = (rng.uniform(-3, 3, 7), 2.0 * rng.standard_normal(7))
    expect.close(student.d_tanh(a), cs_unary(np.tanh, a))
    expect.close(student.d_sigmoid(a), cs_unary(csigmoid, a))


def test_matvec(student, rng):
    """d_matvec with a (3, 5) matrix: (W a₀, W ȧ) against the complex step"""
    W = rng.standard_normal((3, 5))
    a = dual(rng, (5,))
    expect.close(student.d_matvec(W, a), cs_unary(lambda z: W @ z, a))


def test_matrices(student, rng):
    """values and tangents of shape (2, 3): d_mul, d_div, d_tanh keep the shape"""
    a = dual(rng, (2, 3))
    b = denominator(rng, (2, 3))
    expect.close(student.d_mul(a, b), cs_binary(np.multiply, a, b))
    expect.close(student.d_div(a, b), cs_binary(np.divide, a, b))
    expect.close(student.d_tanh(a), cs_unary(np.tanh, a))


def composite(student, W, x):
    """f(x) = tanh(u) e^{sin u} / (1 + σ(u)) + log(1 + u²), u = W x, from the student's ops."""
    one = (np.ones(W.shape[0]), np.zeros(W.shape[0]))
    u = student.d_matvec(W, x)
    top = student.d_mul(student.d_tanh(u), student.d_exp(student.d_sin(u)))
    frac = student.d_div(top, student.d_add(one, student.d_sigmoid(u)))
    return student.d_add(frac, student.d_log(student.d_add(one, student.d_mul(u, u))))


def composite_oracle(W, x):
    def f(z):
        u = W @ z
        return np.tanh(u) * np.exp(np.sin(u)) / (1 + csigmoid(u)) + np.log(1 + u * u)

    return complex_step(f, x[0], x[1])


def test_composite(student, rng):
    """f(x) = tanh(u) e^{sin u} / (1 + σ(u)) + log(1 + u²) with u = W x (W of shape (4, 3)), built from your operations: the tangent is f'(x) ẋ"""
    W = rng.standard_normal((4, 3))
    x = dual(rng, (3,))
    template = (np.zeros(4), np.zeros(4))
    got = expect.like(composite(student, W, x), template, names=["value of f(x)", "tangent of f(x)"])
    expect.close(got, composite_oracle(W, x), names=["value of f(x)", "tangent of f(x) (should be f'(x) ẋ)"])


def test_extremes(student, ref, rng):
    """d_sigmoid and d_tanh at a₀ = -800, -30, 0, 30, 800 under np.errstate(all="raise"): finite, no overflow"""
    a = (np.array([-800.0, -30.0, 0.0, 30.0, 800.0]), rng.standard_normal(5))
    for name in ("d_sigmoid", "d_tanh"):
        got = expect.without_overflow(
            student, name, a, what=f"{name} at a₀ = ±800",
            advice="e^{800} overflows: evaluate e^{-|a₀|} (at most 1) and pick the formula by the sign of a₀.",
        )
        expect.close(got, getattr(ref, name)(a))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(2))
def test_hidden_every_operation(student, ref, rng, trial):
    """every operation on random shapes (1-D and 2-D), against the reference and the complex step"""
    shape = [(int(rng.integers(1, 9)),), (int(rng.integers(1, 4)), int(rng.integers(2, 5)))][trial]
    a = dual(rng, shape, -4.0, 4.0)
    b = denominator(rng, shape)
    p = dual(rng, shape, positive=True)
    for name, op in BINARY.items():
        expect.close(getattr(student, name)(a, b), cs_binary(op, a, b))
        expect.close(getattr(student, name)(a, b), getattr(ref, name)(a, b))
    for name, op in UNARY.items():
        arg = p if name == "d_log" else a
        expect.close(getattr(student, name)(arg), cs_unary(op, arg))
        expect.close(getattr(student, name)(arg), getattr(ref, name)(arg))


@mark.hidden
def test_hidden_matvec_shapes(student, ref, rng):
    """d_matvec with a single row, a single column, and a tall matrix"""
    for m, n in [(1, 4), (5, 1), (7, 3)]:
        W = rng.standard_normal((m, n))
        a = dual(rng, (n,))
        expect.close(student.d_matvec(W, a), cs_unary(lambda z, W=W: W @ z, a))


@mark.hidden
@mark.weight(2)
def test_hidden_composites(student, rng):
    """the composite expression on random shapes and scales"""
    for m, n in [(2, 5), (6, 2)]:
        W = float(rng.uniform(0.3, 2.0)) * rng.standard_normal((m, n))
        x = dual(rng, (n,))
        expect.close(composite(student, W, x), composite_oracle(W, x), names=["value of f(x)", "tangent of f(x)"])
