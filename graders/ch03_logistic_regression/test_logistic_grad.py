"""Grader for ch03.logistic_grad: values against the reference; the gradient
against the complex-step derivative of the stated Λ (computed here, exact to
rounding) and against central differences of the student's own Λ (whose value
is checked first); logits of exactly ±800 on the wrong side, public and hidden,
under np.errstate(all="raise")."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import complex_step_grad, fd_plan, logistic_data, objective, strict_call


def fd_check(student, theta, X, y, lam, rel):
    """The student's gradient against finite differences of the student's Λ."""
    template = (0.0, np.zeros_like(theta))
    points, fd_gradient = fd_plan(theta)
    at_points = student.logistic_objective_grad.many([(t, X, y, lam) for t in points])  # one round trip
    loss, grad = expect.like(student.logistic_objective_grad(theta, X, y, lam), template)  # the call messages name
    expect.close(loss, float(objective(theta, X, y, lam)), names="Λ(θ) (should be mean(softplus(z) - y z) + (λ/2)‖w‖²)")
    fd = fd_gradient([float(expect.like(r, template)[0]) for r in at_points])
    expect.gradient(grad, fd, rel=rel, quantity="∇Λ(θ) against finite differences of your Λ")


def test_values(student, ref, rng):
    """Λ and ∇Λ on M=8, d=3, λ=0.1"""
    X, y = logistic_data(rng, 8, 3)
    theta = rng.standard_normal(4)
    expect.close(student.logistic_objective_grad(theta, X, y, 0.1), ref.logistic_objective_grad(theta, X, y, 0.1))


def test_gradient_of_stated_objective(student, rng):
    """∇Λ equals the exact derivative (complex step) of Λ = mean(softplus(z) - y z) + (λ/2)‖w‖², b unpenalised"""
    X, y = logistic_data(rng, 10, 2)
    theta = rng.standard_normal(3)
    theta[-1] = 1.5  # a visible bias, so penalising it shows
    _, grad = expect.like(student.logistic_objective_grad(theta, X, y, 0.7), (0.0, np.zeros(3)))
    expect.close(grad, complex_step_grad(theta, X, y, 0.7), names="∇Λ(θ) vs the derivative of the stated Λ")


def test_default_lambda(student, ref, rng):
    """lam omitted: λ = 0"""
    X, y = logistic_data(rng, 6, 2)
    theta = rng.standard_normal(3)
    expect.close(student.logistic_objective_grad(theta, X, y), ref.logistic_objective_grad(theta, X, y))


def test_gradient_matches_objective(student, rng, tol):
    """your ∇Λ is the derivative of your Λ (finite differences)"""
    X, y = logistic_data(rng, 9, 4)
    fd_check(student, rng.standard_normal(5), X, y, 0.2, tol.fd["rel"])


@mark.hidden
@mark.weight(2)
@mark.parametrize("M,d", [(1, 3), (2, 1), (7, 5), (30, 2)])
def test_hidden_shapes(student, ref, rng, tol, M, d):
    """M = 1, 2 and larger batches, y of shape (M,), random λ"""
    X, y = logistic_data(rng, M, d)
    theta = 2 * rng.standard_normal(d + 1)
    lam = float(rng.uniform(0, 2))
    expect.close(student.logistic_objective_grad(theta, X, y, lam), ref.logistic_objective_grad(theta, X, y, lam))
    fd_check(student, theta, X, y, lam, tol.fd["rel"])


def large_logits(rng, M, d):
    """(θ, X, y) with z = Xw + b = +800 and -800 exactly (up to rounding) on two wrong-side
    samples (y = 0 at +800, y = 1 at -800, each losing 800), +800 on a right-side one, and
    moderate logits elsewhere."""
    X, y = logistic_data(rng, M, d, both_labels=False)
    theta = rng.standard_normal(d + 1)
    w, b = theta[:-1], theta[-1]
    for m, (z, label) in enumerate([(800.0, 0), (-800.0, 1), (800.0, 1)]):
        X[m] += (z - X[m] @ w - b) * w / (w @ w)
        y[m] = label
    order = rng.permutation(M)
    return theta, X[order], y[order]


def test_large_logits(student, ref, rng):
    """logits z = ±800 on the wrong side (loss 800 each), np.errstate(all="raise"): finite, exact, no overflow"""
    theta, X, y = large_logits(rng, 7, 3)
    got = strict_call(student, "logistic_objective_grad", theta, X, y, 0.1, what="Λ(θ) and ∇Λ(θ)", advice="softplus")
    expect.close(got, ref.logistic_objective_grad(theta, X, y, 0.1))


@mark.hidden
@mark.weight(2)
def test_hidden_large_logits(student, ref, rng):
    """logits up to ±800 (exactly ±800 on three samples), np.errstate(all="raise")"""
    theta, X, y = large_logits(rng, 12, 3)
    lam = float(rng.uniform(0.0, 1.0))
    got = strict_call(student, "logistic_objective_grad", theta, X, y, lam, what="Λ(θ) and ∇Λ(θ)", advice="softplus")
    expect.close(got, ref.logistic_objective_grad(theta, X, y, lam))
