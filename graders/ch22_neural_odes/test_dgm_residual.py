"""Grader for ch22.dgm_residual, through dgm_objective (the grader cannot pass
a torch function into the student's process): the exact solution gives
J ≤ 1e-24 and ∇J = 0; the closed form of J and ∇_θ J for u = e^{-t} sin x +
ε t x(π - x); network trial functions against the closed form of J and ∇_θ J
for the whole trial family (_helpers.dgm_closed_form, numpy; it agrees with the
torch reference to 2.3e-3 of the tolerance over 200 random cases); and the student's ∇_θ J
against central differences of the student's own J, which is what catches a
second derivative taken without create_graph=True. Only the student's
process imports torch (the grader's closed forms are numpy)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import dgm_closed_form, dgm_samples, dgm_theta

KEYS = ("a", "eps", "C", "W", "b")


def _template(theta):
    return (0.0, {k: np.zeros_like(np.asarray(theta[k], dtype=np.float64)) for k in KEYS})


def test_exact_solution(student, rng, tol):
    """the exact solution e^{-t} sin x (a = 1, eps = 0, C = 0): J ≤ 1e-24 and ∇_θ J = 0"""
    theta = dgm_theta(rng, 3, a=1.0, eps=0.0, C_scale=0.0)
    J, grads = expect.like(student.dgm_objective(theta, *dgm_samples(rng, 20, 8, 10)), _template(theta))
    expect.that(0 <= J <= tol.exact["J"], "the exact solution of the heat equation has J ≈ 0 (≤ 1e-24)", quantity="J(θ)",
                detail=f"got J = {J:.3g}" + (" (the sign of the PDE? u_t - u_xx, not u_t + u_xx)" if J > 1e-6 else ""))
    # the residuals are rounding errors (≈ 1e-16), so the gradient 2 mean(r ∂r/∂θ) is ≈ 1e-16: atol 1e-14
    expect.close(grads, {k: np.zeros_like(v) for k, v in _template(theta)[1].items()}, names="∇_θ J at the exact solution (must be 0)")


def test_bump_closed_form(student, rng):
    """u = e^{-t} sin x + ε t x(π - x) (a = 1, C = 0, ε = 0.3): J = ε² mean(x(π - x) + 2t)² and ∇_θ J in closed form (25 interior, 7 boundary, 9 initial points)"""
    theta = dgm_theta(rng, 4, a=1.0, eps=0.3, C_scale=0.0)
    samples = dgm_samples(rng, 25, 7, 9)
    expect.close(student.dgm_objective(theta, *samples), dgm_closed_form(theta, *samples))


def test_network(student, rng):
    """a trial function with a network part (N = 4 neurons) and a ≠ 1, eps ≠ 0: J and ∇_θ J in closed form"""
    theta = dgm_theta(rng, 4, a=0.8, eps=-0.2)
    samples = dgm_samples(rng, 12, 5, 6)
    expect.close(student.dgm_objective(theta, *samples), dgm_closed_form(theta, *samples))


def _fd(student, rng, tol, N, sizes):
    theta = dgm_theta(rng, N, a=float(rng.uniform(0.5, 1.5)), eps=float(rng.uniform(-0.5, 0.5)))
    samples = dgm_samples(rng, *sizes)
    J, grads = expect.like(student.dgm_objective(theta, *samples), _template(theta))
    plan, args = [], []
    for k in KEYS:
        base = np.asarray(theta[k], dtype=np.float64)
        for idx in np.ndindex(*base.shape):
            h = 1e-6 * max(1.0, abs(float(base[idx])))
            plan.append((k, idx, h))
            for s in (h, -h):
                moved = dict(theta)
                moved[k] = base.copy()
                moved[k][idx] += s
                args.append((moved, *samples))
    Js = [expect.like(o, _template(theta))[0] for o in student.dgm_objective.many(args)]
    fd = np.array([(Js[2 * i] - Js[2 * i + 1]) / (2 * h) for i, (_, _, h) in enumerate(plan)])
    an = np.array([float(np.asarray(grads[k])[idx]) for k, idx, _ in plan])
    worst = int(np.argmax(np.abs(an - fd)))
    k, idx, _ = plan[worst]
    err = expect.relative_error(an, fd)
    expect.that(
        err <= tol.fd["rel"],  # float64 central differences with h = 1e-6 of a smooth J: error ≈ 1e-9
        "your ∇_θ J must be the derivative of your J (central differences over every parameter)",
        quantity="∇_θ J",
        detail=f"relative error {err:.3g} (allowed {tol.fd['rel']:g}); worst at ∂J/∂{k}{list(idx)}: yours {an[worst]:.6g}, "
               f"central difference {fd[worst]:.6g}. If J is right and ∇J is not, the second derivative was probably "
               "taken without create_graph=True, so J does not depend on θ through u_xx.",
    )


def test_gradient_of_your_loss(student, rng, tol):
    """your ∇_θ J against central differences of your J over all 17 parameters (N = 3 neurons)"""
    _fd(student, rng, tol, 3, (15, 6, 7))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(2))
def test_hidden_network(student, rng, trial):
    """random N (1 included), sample sizes (1 included), parameter scales"""
    N = [1, int(rng.integers(2, 8))][trial]
    theta = dgm_theta(rng, N, a=float(rng.uniform(-2, 2)), eps=float(rng.uniform(-1, 1)), C_scale=float(rng.uniform(0.1, 3)))
    samples = dgm_samples(rng, *([1, 1, 1] if trial == 0 else [int(v) for v in rng.integers(2, 40, 3)]))
    expect.close(student.dgm_objective(theta, *samples), dgm_closed_form(theta, *samples))


@mark.hidden
def test_hidden_bump(student, rng):
    """per-student ε and samples: the closed form"""
    theta = dgm_theta(rng, 2, a=1.0, eps=float(rng.uniform(-2, 2)), C_scale=0.0)
    samples = dgm_samples(rng, *[int(v) for v in rng.integers(2, 30, 3)])
    expect.close(student.dgm_objective(theta, *samples), dgm_closed_form(theta, *samples))


@mark.hidden
def test_hidden_gradient(student, rng, tol):
    """per-student network: ∇_θ J against central differences of your J"""
    _fd(student, rng, tol, int(rng.integers(1, 4)), (10, 4, 5))
