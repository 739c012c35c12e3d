"""Grader for ch22.adjoint_gradient: L and the gradients against the
reference (L to rounding, the gradients at rtol 1e-6, the O(h⁴) freedom the
spec allows); the gradients against central differences of the student's
own L; a closed form for W = 0 (constant field, exact under RK4); and
pinned extremes (N_b = 1, d = 1, one step)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import adjoint_case


def _template(d):
    return (0.0, np.zeros((d, d)), np.zeros(d))


def _check(student, ref, W, b, X0, Y, T, n, grad_tol=None):
    got = expect.like(student.neural_ode_adjoint_grad(W, b, X0, Y, T, n), _template(W.shape[0]))
    want = ref.neural_ode_adjoint_grad(W, b, X0, Y, T, n)
    expect.close(got[0], want[0], "loss", names="L")
    expect.close(got[1:], want[1:], grad_tol, names=["dL/dW", "dL/db"])


def test_small(student, ref, rng):
    """d = 3, N_b = 4 trajectories, T = 1, n = 50 RK4 steps: L, dL/dW, dL/db"""
    _check(student, ref, *adjoint_case(rng, 3, 4), 1.0, 50)


def test_gradient_of_your_loss(student, rng, tol):
    """your gradient is the derivative of your L: central differences over every entry of W and b (d = 2, N_b = 3, T = 0.8, n = 100)"""
    W, b, X0, Y = adjoint_case(rng, 2, 3, scale=1.5)
    T, n = 0.8, 100
    L, gW, gb = expect.like(student.neural_ode_adjoint_grad(W, b, X0, Y, T, n), _template(2))
    expect.that(np.abs(gW).max() + np.abs(gb).max() > 1e-6, "the gradient is not zero here", quantity="dL/dW, dL/db",
                detail=f"got max |dL/dW| = {np.abs(gW).max():.3g}, max |dL/db| = {np.abs(gb).max():.3g}")
    theta = np.concatenate([W.ravel(), b])
    args = []
    for i in range(theta.size):
        h = 1e-6 * max(1.0, abs(theta[i]))
        for s in (h, -h):
            t = theta.copy()
            t[i] += s
            args.append((t[:4].reshape(2, 2), t[4:], X0, Y, T, n))
    Ls = [expect.like(o, _template(2))[0] for o in student.neural_ode_adjoint_grad.many(args)]
    fd = np.array([(Ls[2 * i] - Ls[2 * i + 1]) / (2e-6 * max(1.0, abs(theta[i]))) for i in range(theta.size)])
    # the continuous adjoint and the derivative of the discrete RK4 loss differ by O(h⁴) ≈ 1e-9 here; FD error ≈ 1e-9
    expect.gradient(np.concatenate([gW.ravel(), gb]), fd, rel=tol.fd["rel"], quantity="(dL/dW, dL/db) against central differences of your L")


def test_constant_field(student, rng):
    """W = 0: f = tanh(b) is constant, x_j(t) = x_j(0) + t tanh(b), a_j is constant, and dL/dW = Σ_j (s ⊙ a_j)(T x_j(0) + T²/2 tanh b)ᵀ, dL/db = T Σ_j s ⊙ a_j"""
    d, Nb, T = 3, 2, 0.7
    _, b, X0, Y = adjoint_case(rng, d, Nb)
    W = np.zeros((d, d))
    XT = X0 + T * np.tanh(b)
    SA = (1 - np.tanh(b) ** 2) * (XT - Y) / Nb
    want = (0.5 * float(np.sum((XT - Y) ** 2)) / Nb, SA.T @ (T * X0 + T**2 / 2 * np.tanh(b)), T * SA.sum(axis=0))
    expect.close(student.neural_ode_adjoint_grad(W, b, X0, Y, T, 7), want, names=["L", "dL/dW (closed form, W = 0)", "dL/db (closed form, W = 0)"])


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random d, N_b (1 included), T, weight scale; n = 200"""
    d = [1, int(rng.integers(2, 5)), int(rng.integers(2, 6))][trial]
    Nb = [int(rng.integers(2, 6)), 1, int(rng.integers(2, 9))][trial]
    _check(student, ref, *adjoint_case(rng, d, Nb, scale=float(rng.uniform(0.3, 2))), float(rng.uniform(0.2, 2)), 200)


@mark.hidden
def test_hidden_one_step(student, ref, rng):
    """n = 1 (a single RK4 step each way), T = 0.05: L exactly, the gradients to the O(h⁴) the spec allows"""
    _check(student, ref, *adjoint_case(rng, 3, 2), 0.05, 1, "one_step")
