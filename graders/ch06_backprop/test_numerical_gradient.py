"""Grader for ch06.numerical_gradient: closed forms of what central differences
return (exact on quadratics; f' + h²f'''/6 on cubics), the analytic gradient of
log-sum-exp, where f was evaluated (recorded here, since f runs in the grader),
the O(h²) order as a fitted slope on Rosenbrock, and relative_error's values.
Only the checks that read where f was evaluated hand the student a Recorder
(each call a round trip to the grader); the others hand it at_theta(f), which
runs in the student's process."""

import numpy as np

from mathdl_cli import kernels
from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import Recorder, at_theta, logsumexp, logsumexp_grad, random_cubic, rosenbrock, rosenbrock_grad


def test_evaluation_points(student, rng):
    """f is evaluated at θ + h e_i and θ - h e_i for every i, each point moving exactly one coordinate (and the estimate is ∇f to O(h²))"""
    theta = rng.standard_normal(5)
    h = 1e-3
    f = Recorder(logsumexp, theta.shape)
    got = expect.like(student.numerical_gradient(f, theta, h), theta)
    # the central-difference error is (h²/6) ∂³f ≈ 1e-7 here: rel 1e-5 refuses anything else, zeros included
    expect.gradient(got, logsumexp_grad(theta), rel=1e-5, quantity="∇̂f(θ) for log-sum-exp (h = 1e-3) against its exact gradient softmax(θ)")
    for p in f.points:
        moved = np.flatnonzero(np.abs(p - theta) > 1e-12 * (1.0 + np.abs(theta)))
        expect.that(
            moved.size <= 1,
            "every evaluation of f should move exactly one coordinate of θ",
            quantity="evaluation points of f",
            detail=f"f was evaluated at a point that differs from θ in coordinates {moved.tolist()} "
            f"(by {np.round(p - theta, 6)[moved].tolist()}): is the perturbation reset for each coordinate?",
        )
    for i in range(theta.size):
        for sign, label in ((1.0, "+"), (-1.0, "-")):
            target = theta.copy()
            target[i] += sign * h
            hit = any(np.allclose(p, target, rtol=0.0, atol=1e-9 * h) for p in f.points)
            expect.that(
                hit,
                f"f was never evaluated at θ {label} h e_{i}",
                quantity="evaluation points of f",
                detail="a central difference needs f(θ + h e_i) AND f(θ - h e_i); "
                "the one-sided (f(θ + h e_i) - f(θ))/h is only first-order accurate.",
            )


def test_exact_on_quadratics(student, rng):
    """f(θ) = ½θᵀAθ + b·θ: central differences are exact for any h, so h = 0.1 must give Aθ + b"""
    n = 5
    A = rng.standard_normal((n, n))
    A = A + A.T
    b = rng.standard_normal(n)
    theta = rng.standard_normal(n)
    f = at_theta(kernels.QuadraticForm(A, b), theta.shape)
    expect.close(student.numerical_gradient(f, theta, 0.1), A @ theta + b, names="∇̂f(θ) for a quadratic (should be Aθ + b exactly)")


def test_error_term_on_cubics(student, rng):
    """f with cubic terms Σ c_i θ_i³, h = 0.01: the estimate is exactly ∇f(θ) + (h²/6) ∂³f(θ) = ∇f(θ) + c h²"""
    f, grad, third = random_cubic(rng, 6)
    theta = rng.standard_normal(6)
    h = 0.01
    want = grad(theta) + h**2 / 6 * third(theta)
    got = student.numerical_gradient(at_theta(f, theta.shape), theta, h)
    expect.close(got, want, names="∇̂f(θ) for a cubic (should be ∇f(θ) + (h²/6) ∂³f(θ), the central-difference error term)")


def test_default_step_logsumexp(student, rng, tol):
    """f(θ) = log Σ e^{θ_i} with the default h: agrees with the softmax ∇f to 1e-7, evaluating at θ ± 1e-6 e_i"""
    theta = rng.standard_normal(7)
    f = Recorder(logsumexp, theta.shape)
    got = expect.like(student.numerical_gradient(f, theta), theta)
    steps = sorted({float(np.round(np.max(np.abs(p - theta)), 12)) for p in f.points} - {0.0})
    expect.that(steps == [1e-6], "called without h, the step must be the default h = 1e-6", quantity="h", detail=f"f was evaluated at distances {steps} from θ")
    expect.gradient(got, logsumexp_grad(theta), rel=tol.analytic["rel"], quantity="∇̂f(θ) for log-sum-exp against its exact gradient softmax(θ)")


def test_second_order(student, rng, tol):
    """error e(h) = ‖∇̂f - ∇f‖ on Rosenbrock for h = 1e-2 ... 1.25e-3: fitted slope of log e against log h is 2 ± 0.15"""
    theta = 1.0 + 0.3 * rng.standard_normal(6)
    hs = np.array([1e-2, 5e-3, 2.5e-3, 1.25e-3])
    errors = []
    for got in student.numerical_gradient.many([(at_theta(rosenbrock, theta.shape), theta, float(h)) for h in hs]):  # one round trip
        got = expect.like(got, theta)
        errors.append(np.linalg.norm(got - rosenbrock_grad(theta)))
    errors = np.array(errors)
    expect.that(np.all(errors > 0), "the estimate should not be exact on Rosenbrock (a quartic) at these h", quantity="∇̂f(θ)", detail=f"errors {errors}")
    slope = float(np.polyfit(np.log(hs), np.log(errors), 1)[0])
    # Rosenbrock is a quartic, so the central-difference error is exactly (h²/6) ∂³f:
    # the slope is 2 up to rounding (relative effect < 1e-6 at these h); ±0.15 is
    # the catalog's tolerance for empirical orders and leaves room for other
    # correct ways of computing the step. A one-sided difference gives 1.
    lo, hi = tol.order["slope"] - tol.order["tol"], tol.order["slope"] + tol.order["tol"]
    expect.that(
        lo <= slope <= hi,
        f"the error must shrink like h² (fitted slope in [{lo:g}, {hi:g}])",
        quantity="order of accuracy",
        detail=f"fitted slope {slope:.3f}; errors {np.array2string(errors, precision=3)} for h = {hs.tolist()}; "
        f"ratios e(h)/e(h/2) = {np.array2string(errors[:-1] / errors[1:], precision=3)} (central: 4, one-sided: 2)",
    )


def test_matrix_theta(student, rng):
    """θ of shape (3, 4), like a weight matrix: the estimate has shape (3, 4) (cubic, h = 0.01)"""
    f, grad, third = random_cubic(rng, 12)
    theta = rng.standard_normal((3, 4))
    got = student.numerical_gradient(at_theta(f, theta.shape), theta, 0.01)
    expect.close(got, grad(theta) + 1e-4 / 6 * third(theta), names="∇̂f(θ) for θ of shape (3, 4)")


def test_theta_unchanged(student, rng):
    """θ is exactly as before afterwards (12 coordinates of size about 10, default h = 1e-6), and the estimate is ∇f"""
    theta = 10.0 * rng.standard_normal(12)
    f, grad, _ = random_cubic(rng, 12)
    # the sandbox compares θ before and after the call, bit for bit
    got = expect.like(student.numerical_gradient(at_theta(f, theta.shape), theta), theta)
    # truncation (h²/6)·6c ≈ 1e-12 and rounding ε|f|/h ≈ 1e-6 against gradients of size ~1e2:
    # relative error ≈ 1e-8, so rel 1e-6 refuses only wrong (or all-zero) estimates
    expect.gradient(got, grad(theta), rel=1e-6, quantity="∇̂f(θ) for a cubic (default h) against its exact gradient")


def test_relative_error(student, rng):
    """relative_error: 0 for equal arrays, 1 against zeros or -a, 0 for two zero arrays, symmetric"""
    a = rng.standard_normal((3, 2))
    b = a + 1e-3 * rng.standard_normal((3, 2))
    cases = [
        ((a, a), 0.0, "relative_error(a, a)"),
        ((a, np.zeros_like(a)), 1.0, "relative_error(a, 0)"),
        ((a, -a), 1.0, "relative_error(a, -a)"),
        ((np.zeros(4), np.zeros(4)), 0.0, "relative_error(0, 0) (the floor 1e-300 avoids 0/0)"),
    ]
    *outs, ab, ba = student.relative_error.many([args for args, _, _ in cases] + [(a, b), (b, a)])  # one round trip
    for got, (_, want, name) in zip(outs, cases):
        expect.close(got, want, names=name)
    want = np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
    expect.close(ab, want, names="relative_error(a, b) for two (3, 2) arrays")
    expect.close(ba, want, names="relative_error(b, a) (it is symmetric)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random_cubics(student, ref, rng, trial):
    """random cubics in 1 to 12 dimensions, h between 1e-4 and 1e-2"""
    n = [1, int(rng.integers(2, 6)), int(rng.integers(6, 13))][trial]
    f, grad, third = random_cubic(rng, n)
    theta = 2.0 * rng.standard_normal(n)
    h = float(10 ** rng.uniform(-4, -2))
    got = student.numerical_gradient(at_theta(f, theta.shape), theta, h)
    expect.close(got, grad(theta) + h**2 / 6 * third(theta))
    expect.close(got, ref.numerical_gradient(at_theta(f, theta.shape), theta, h))


@mark.hidden
def test_hidden_three_dimensional_theta(student, ref, rng):
    """θ of shape (2, 3, 2) on log-sum-exp"""
    theta = rng.standard_normal((2, 3, 2))
    got = student.numerical_gradient(at_theta(logsumexp, theta.shape), theta, 1e-5)
    expect.close(got, ref.numerical_gradient(at_theta(logsumexp, theta.shape), theta, 1e-5))


@mark.hidden
def test_hidden_relative_error(student, ref, rng):
    """relative_error on random arrays of several shapes and scales, and on two zero arrays"""
    pairs = []
    for shape in [(5,), (2, 3), (1, 1)]:
        scale = float(10 ** rng.uniform(-8, 8))
        a = scale * rng.standard_normal(shape)
        b = scale * rng.standard_normal(shape)
        pairs.append((a, b))
    zeros = np.zeros((int(rng.integers(1, 4)), 2))
    *outs, at_zeros = student.relative_error.many(pairs + [(zeros, zeros)])  # one round trip
    for got, (a, b) in zip(outs, pairs):
        expect.close(got, ref.relative_error(a, b))
    expect.close(at_zeros, 0.0, names="relative_error(0, 0) (the floor 1e-300 avoids 0/0)")
