"""Grader for ch02.mse_objective_and_grad: values against the reference, and the
student's gradient against central differences of the student's own Λ."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import augmented, hidden_shape, objective, regression


def _fd_check(student, theta, X, y, rel):
    """The student's gradient against central differences of the student's Λ, which is
    first checked against the stated formula (so an all-zero answer cannot pass)."""
    loss, grad = expect.like(student.mse_objective_and_grad(theta, X, y), (0.0, np.zeros_like(theta)))
    expect.close(loss, objective(theta, X, y), names="Λ(θ) (should be (1/(2M)) Σ_m (y_m - w·x_m - b)², b the last entry of θ)")
    steps = [1e-6 * max(1.0, abs(t)) for t in theta]
    points = []
    for i, h in enumerate(steps):
        e = np.zeros_like(theta)
        e[i] = h
        points += [(theta + e, X, y), (theta - e, X, y)]
    values = [expect.like(out, (0.0, np.zeros_like(theta)))[0] for out in student.mse_objective_and_grad.many(points)]
    fd = np.array([(values[2 * i] - values[2 * i + 1]) / (2 * h) for i, h in enumerate(steps)])
    expect.gradient(grad, fd, rel=rel, quantity="∇Λ(θ) against central differences of your Λ")


def test_values(student, ref, rng):
    """Λ and ∇Λ on M=10, d=3"""
    X, y = regression(rng, 10, 3)
    theta = rng.standard_normal(4)
    expect.close(student.mse_objective_and_grad(theta, X, y), ref.mse_objective_and_grad(theta, X, y))


def test_gradient_matches_objective(student, rng, tol):
    """your gradient is the derivative of your Λ (finite differences)"""
    X, y = regression(rng, 8, 4)
    _fd_check(student, rng.standard_normal(5), X, y, tol.fd["rel"])


def test_at_minimiser(student, rng):
    """the gradient vanishes at the least-squares solution θ*, and is H δ = X̃ᵀX̃ δ / M at θ* + δ"""
    X, y = regression(rng, 25, 2)
    Xt = augmented(X)
    theta = np.linalg.lstsq(Xt, y, rcond=None)[0]
    delta = rng.standard_normal(3)
    outs = student.mse_objective_and_grad.many([(theta, X, y), (theta + delta, X, y)])
    loss, grad = expect.like(outs[0], (0.0, np.zeros(3)))
    expect.close(grad, np.zeros(3), tol=expect.Tol(0.0, 1e-12), names="∇Λ(θ*)")
    r = y - Xt @ theta
    expect.close(loss, float(r @ r) / 50, names="Λ(θ*) (the residual MSE / 2)")
    _, moved = expect.like(outs[1], (0.0, np.zeros(3)))
    expect.close(moved, Xt.T @ (Xt @ delta) / 25, names="∇Λ(θ* + δ) (should be H δ with H = X̃ᵀX̃/M: Λ is quadratic)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden(student, ref, rng, tol, trial):
    """random shapes, including M = 1"""
    M, d = hidden_shape(rng)
    X, y = regression(rng, M, d)
    theta = 3 * rng.standard_normal(d + 1)
    expect.close(student.mse_objective_and_grad(theta, X, y), ref.mse_objective_and_grad(theta, X, y))
    _fd_check(student, theta, X, y, tol.fd["rel"])
