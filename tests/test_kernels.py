"""Grader functions that run in the child (mathdl_cli.kernels): the same values
and the same errors as the callbacks they replace, without a round trip, and
nothing of them accepted from a child."""

import numpy as np
import pytest

from mathdl_cli import kernels, wire
from mathdl_cli.sandbox import ProcessIsolation, Sandbox
from mathdl_cli.sandbox import box as box_module

STUDENT = b"""
import numpy as np

def central(f, theta, h):
    g = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e.flat[i] = h
        g.flat[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return g

def apply(f, *args):
    return f(*args)

def wrong_shape(f, theta):
    return f(theta[:-1])

def give_back(f):
    return f

def result_type(f, x):
    return type(f(x)).__name__
"""


def _rng():
    return np.random.default_rng(7)


def _all_kernels():
    """One instance of every kernel, with an input it accepts."""
    rng = _rng()
    A = rng.standard_normal((4, 4))
    A = A + A.T
    b, c, v = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4)
    W = rng.standard_normal((3, 4))
    Z = rng.standard_normal((5, 4))
    out = [
        (kernels.LogSumExp(), rng.standard_normal(4)),
        (kernels.Rosenbrock(), rng.standard_normal(4)),
        (kernels.QuadraticForm(A, b), rng.standard_normal(4)),
        (kernels.Cubic(A, b, c), rng.standard_normal((2, 2))),
        (kernels.Affine(A, b), Z),
        (kernels.Affine(v, 0.3), Z),
        (kernels.Constant(v), Z),
        (kernels.TanhRidge(W, b[:3], c[:3], 0.3, 0), Z),
        (kernels.TanhRidge(W, b[:3], c[:3], 0.3, 1), Z),
        (kernels.ExpRidge(v, 0), Z),
        (kernels.ExpRidge(v, 1), Z),
        (kernels.TanhInteraction(A, c, 0.5, 0, 3), Z),
        (kernels.TanhFieldJacobian(A, b), Z),
        (kernels.LinearFieldJacobian(A), Z),
        (kernels.ConstantRows(3.0 * b), Z[:, :2]),
        (kernels.Feedback(2.0, 1.5, 0.5, 1.0), 3.0 * Z[:, :2]),
    ]
    out += [(kernels.Elementwise(name), 0.7 * Z) for name in ("z", "1", "z^2", "2z", "z^3", "3z^2", "sin", "cos")]
    return out


@pytest.fixture(scope="module")
def child():
    with Sandbox(isolation=ProcessIsolation()) as sb:
        yield sb, sb.add_file("student_fns.py", STUDENT)


def _fd(f, x, h=1e-6):
    """Central differences of a function of each row of x (an independent oracle for gradients)."""
    g = np.zeros_like(x)
    for j in range(x.shape[1]):
        e = np.zeros_like(x)
        e[:, j] = h
        g[:, j] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def test_each_formula_against_an_independent_computation():
    rng = _rng()
    A = rng.standard_normal((4, 4))
    b, c = rng.standard_normal(4), rng.standard_normal(4)
    x = rng.standard_normal(4)
    assert kernels.LogSumExp()(x) == pytest.approx(np.log(np.sum(np.exp(x))), rel=1e-14)
    assert kernels.LogSumExp()(np.array([1000.0, 1000.0])) == pytest.approx(1000.0 + np.log(2.0))  # stable
    rosen = sum(100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2 for i in range(3))
    assert kernels.Rosenbrock()(x) == pytest.approx(rosen, rel=1e-14)
    quad = 0.5 * sum(x[i] * A[i, j] * x[j] for i in range(4) for j in range(4)) + sum(b * x)
    assert kernels.QuadraticForm(A, b)(x) == pytest.approx(quad, rel=1e-12)
    assert kernels.Cubic(A, b, c)(x.reshape(2, 2)) == pytest.approx(quad + sum(c * x**3), rel=1e-12)
    Z = rng.standard_normal((6, 4))
    np.testing.assert_allclose(kernels.Affine(A, b)(Z), np.array([[b[j] + sum(z[i] * A[i, j] for i in range(4)) for j in range(4)] for z in Z]), rtol=1e-12)
    np.testing.assert_array_equal(kernels.Constant(b)(Z), np.tile(b, (6, 1)))
    W, bw, cw = rng.standard_normal((3, 4)), rng.standard_normal(3), rng.standard_normal(3)
    value = kernels.TanhRidge(W, bw, cw, 0.3, 0)
    explicit = [sum(cw[k] * np.tanh(W[k] @ z + bw[k]) for k in range(3)) + 0.15 * z @ z for z in Z]
    np.testing.assert_allclose(value(Z), explicit, rtol=1e-12)
    np.testing.assert_allclose(kernels.TanhRidge(W, bw, cw, 0.3, 1)(Z), _fd(value, Z), rtol=1e-6, atol=1e-8)
    v = rng.standard_normal(4)
    np.testing.assert_allclose(kernels.ExpRidge(v, 0)(Z), np.exp(Z @ v), rtol=1e-14)
    np.testing.assert_allclose(kernels.ExpRidge(v, 1)(Z), _fd(kernels.ExpRidge(v, 0), Z), rtol=1e-6)
    np.testing.assert_allclose(kernels.TanhInteraction(A, c, 0.5, 1, 2)(Z), np.tanh(Z @ A) @ c + 0.5 * Z[:, 1] * Z[:, 2], rtol=1e-14)
    W, bw4, cw4 = rng.standard_normal((4, 4)), rng.standard_normal(4), rng.standard_normal(4)
    np.testing.assert_allclose(kernels.TanhField(W, bw4, cw4, 1.3)(0.7, Z), np.tanh(Z @ W.T + bw4) + np.sin(0.91) * cw4, rtol=1e-14)
    np.testing.assert_allclose(kernels.LinearField(A)(0.7, Z), np.array([A @ z for z in Z]), rtol=1e-12)
    F, J = kernels.TanhFieldJacobian(W, bw4)(Z)
    np.testing.assert_allclose(F, np.tanh(Z @ W.T + bw4), rtol=1e-14)
    for k in range(Z.shape[0]):  # row k's Jacobian against central differences of f
        fd = np.column_stack([(np.tanh(W @ (Z[k] + e) + bw4) - np.tanh(W @ (Z[k] - e) + bw4)) / 2e-6 for e in 1e-6 * np.eye(4)])
        np.testing.assert_allclose(J[k], fd, rtol=1e-6, atol=1e-9)
    F, J = kernels.LinearFieldJacobian(A)(Z)
    np.testing.assert_allclose(F, Z @ A.T, rtol=1e-14)
    np.testing.assert_array_equal(J, np.stack([A] * Z.shape[0]))
    R = 2.0 * rng.standard_normal((6, 2))
    np.testing.assert_array_equal(kernels.ConstantRows(np.array([-3.0, 0.25]))(R), [-1.0, 0.25])
    want = [min(1.0, max(-1.0, -2.0 * (v - 1.5) - 0.5 * (q - 1.0))) for q, v in R]
    np.testing.assert_allclose(kernels.Feedback(2.0, 1.5, 0.5, 1.0)(R), want, rtol=1e-15)
    z = rng.standard_normal(5)
    for name, want in {"z": z, "1": np.ones(5), "z^2": z**2, "2z": 2 * z, "z^3": z**3, "3z^2": 3 * z**2, "sin": np.sin(z), "cos": np.cos(z)}.items():
        np.testing.assert_allclose(kernels.Elementwise(name)(z), want, rtol=1e-15, err_msg=name)


def test_the_child_computes_what_the_grader_computes(child):
    sb, path = child
    rng = _rng()
    W, A = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    b, c = rng.standard_normal(4), rng.standard_normal(4)
    calls = [(kernel, (x,)) for kernel, x in _all_kernels()]
    calls += [(kernels.TanhField(W, b, c, 1.3), (0.7, rng.standard_normal((5, 4)))), (kernels.LinearField(A), (0.2, rng.standard_normal(4)))]
    for kernel, args in calls:
        reply = sb.call(path, "apply", [kernel, *args], {}, timeout=10)
        assert reply.kind == "return", (kernel, reply)
        want = wire.roundtrip(kernel(*args))
        if isinstance(want, tuple):
            assert isinstance(reply.value, tuple) and len(reply.value) == len(want)
            for got, expected in zip(reply.value, want):
                np.testing.assert_array_equal(got, expected, err_msg=kernel.name)
        else:
            np.testing.assert_array_equal(reply.value, want, err_msg=kernel.name)


def test_no_round_trip_per_call_and_the_same_estimate(child, monkeypatch):
    sb, path = child
    rng = _rng()
    A = rng.standard_normal((5, 5))
    f = kernels.Cubic(A + A.T, rng.standard_normal(5), rng.standard_normal(5))
    theta = rng.standard_normal(5)
    answered = []
    real = box_module.Sandbox._answer_callback
    monkeypatch.setattr(box_module.Sandbox, "_answer_callback", lambda self, *a: answered.append(1) or real(self, *a))

    def as_callback(x):  # what the graders passed before: f running in the grader
        return float(f(np.asarray(x, dtype=np.float64)))

    by_callback = sb.call(path, "central", [as_callback, theta, 1e-3], {}, timeout=10)
    assert len(answered) == 2 * theta.size
    local = sb.call(path, "central", [f.with_input(theta.shape, scalar=True), theta, 1e-3], {}, timeout=10)
    assert len(answered) == 2 * theta.size  # none more
    np.testing.assert_array_equal(local.value, by_callback.value)
    assert sb.call(path, "result_type", [f.with_input(theta.shape, scalar=True), theta], {}, timeout=10).value == "float"
    assert sb.call(path, "result_type", [f, theta], {}, timeout=10).value == "float"  # numpy's float64 crosses as a float


def test_an_input_refused_by_the_kernel_fails_as_a_callback_does(child):
    sb, path = child
    theta = np.zeros(3)

    def recorder(x):  # the Recorder of the chapter 6 graders
        x = np.asarray(x, dtype=np.float64)
        if x.shape != theta.shape:
            raise ValueError(f"f expects an array of shape {theta.shape} (the shape of theta), got shape {x.shape}")
        return 0.0

    kernel = kernels.LogSumExp().with_input(theta.shape, "f expects an array of shape {shape} (the shape of theta), got shape {got}", scalar=True)
    by_callback = sb.call(path, "wrong_shape", [recorder, theta], {}, timeout=10)
    local = sb.call(path, "wrong_shape", [kernel, theta], {}, timeout=10)
    assert local.kind == by_callback.kind == "raise"
    assert local.type == by_callback.type == "RuntimeError"
    assert local.message == by_callback.message == "grader callback failed: ValueError: f expects an array of shape (3,) (the shape of theta), got shape (2,)"
    assert local.frames == by_callback.frames


def test_a_kernel_cannot_be_returned(child):
    sb, path = child
    reply = sb.call(path, "give_back", [kernels.LogSumExp()], {}, timeout=10)
    assert reply.kind == "unencodable" and "cannot be returned" in reply.detail


def test_kernels_cross_only_from_the_grader():
    data = wire.encode({"f": kernels.Affine(np.eye(2), np.zeros(2))}, kernels=True)
    with pytest.raises(wire.WireError, match="unexpected grader function"):
        wire.decode(data)  # the parent never builds one from a message
    assert wire.decode(data, make_kernel=kernels.build)["f"](np.ones((1, 2))).tolist() == [[1.0, 1.0]]
    with pytest.raises(wire.WireError):
        wire.encode({"f": kernels.LogSumExp()})  # the child's encoder does not know them: a function, refused


OK = {"shape": None, "refusal": "", "arg": 0, "scalar": False}


@pytest.mark.parametrize(
    "name, params, options",
    [
        ("os.system", [], OK),
        (["affine"], [], OK),
        ("affine", [np.eye(2)], OK),  # one parameter short
        ("affine", [np.eye(2), {"x": 1}], OK),
        ("affine", [np.eye(2), np.zeros(2)], {**OK, "shape": [-1]}),
        ("affine", [np.eye(2), np.zeros(2)], {**OK, "scalar": "yes"}),
        ("affine", [np.eye(2), np.zeros(2)], {**OK, "arg": 99}),
        ("affine", [np.eye(2), np.zeros(2)], {"shape": None}),
        ("elementwise", ["__import__"], OK),
    ],
)
def test_malformed_kernels_are_refused(name, params, options):
    with pytest.raises(ValueError):
        kernels.build(name, params, options)
