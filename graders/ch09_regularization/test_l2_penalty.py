"""Grader for ch09.l2_penalty: values against the reference; the penalty's
gradient against central differences of (λ/2)Σ‖W‖²; the weight-decay step
against SGD on Λ_λ built from the student's own penalised gradients."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import distinct_sizes, network


def _grads(rng, Ws, bs):
    return [rng.standard_normal(W.shape) for W in Ws], [rng.standard_normal(b.shape) for b in bs]


def _penalty(Ws, lam):
    """The penalty term of Λ_λ: (λ/2) Σ_ℓ ‖W^ℓ‖_F²."""
    return 0.5 * lam * sum(float(np.sum(W * W)) for W in Ws)


def test_penalized_grads_values(student, ref, rng):
    """penalised gradients of a 4→6→3→2 network, λ = 0.1"""
    Ws, bs = network(rng, [4, 6, 3, 2])
    dWs, _ = _grads(rng, Ws, bs)
    expect.close(student.l2_penalized_grads(dWs, Ws, 0.1), ref.l2_penalized_grads(dWs, Ws, 0.1))


def test_penalty_derivative(student, rng, tol):
    """with ∂Λ/∂W = 0 the result is the derivative of (λ/2)Σ‖W‖² (central differences)"""
    Ws, _ = network(rng, [3, 5, 2])
    lam = 0.7
    zeros = [np.zeros_like(W) for W in Ws]
    got = expect.like(student.l2_penalized_grads(zeros, Ws, lam), [np.zeros_like(W) for W in Ws])
    h = 1e-4  # the penalty is quadratic: central differences are exact up to rounding
    fd = []
    for li, W in enumerate(Ws):
        g = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            up = [V.copy() for V in Ws]
            down = [V.copy() for V in Ws]
            up[li][idx] += h
            down[li][idx] -= h
            g[idx] = (_penalty(up, lam) - _penalty(down, lam)) / (2 * h)
        fd.append(g)
    for li in range(len(Ws)):
        expect.gradient(got[li], fd[li], rel=tol.fd["rel"], quantity=f"∂/∂W^{li + 1} of (λ/2)Σ‖W‖² (your result with dWs = 0)")


def test_weight_decay_step_values(student, ref, rng):
    """one step on a 5→4→3 network, η = 0.1, λ = 0.01"""
    Ws, bs = network(rng, [5, 4, 3])
    dWs, dbs = _grads(rng, Ws, bs)
    expect.close(student.weight_decay_step(Ws, bs, dWs, dbs, 0.1, 0.01), ref.weight_decay_step(Ws, bs, dWs, dbs, 0.1, 0.01))


def test_lambda_zero(student, rng):
    """λ = 0: the penalised gradient is the plain gradient and the step is plain gradient descent"""
    Ws, bs = network(rng, [3, 5, 2])
    dWs, dbs = _grads(rng, Ws, bs)
    lr = float(rng.uniform(0.05, 0.5))
    expect.close(student.l2_penalized_grads(dWs, Ws, 0.0), dWs)
    expect.close(
        student.weight_decay_step(Ws, bs, dWs, dbs, lr, 0.0),
        ([W - lr * g for W, g in zip(Ws, dWs)], [b - lr * g for b, g in zip(bs, dbs)]),
    )


def test_step_is_sgd_on_penalized_objective(student, ref, rng, tol):
    """W_new = W - η ∂Λ_λ/∂W (your penalised gradients) and B_new = B - η ∂Λ/∂B, whatever λ"""
    Ws, bs = network(rng, [3, 6, 4])
    dWs, dbs = _grads(rng, Ws, bs)
    lr, lam = 0.2, 0.5
    pen = student.l2_penalized_grads(dWs, Ws, lam)
    expect.close(pen, ref.l2_penalized_grads(dWs, Ws, lam))  # a step that leaves θ unchanged agrees with zero gradients
    new_Ws, new_bs = expect.like(student.weight_decay_step(Ws, bs, dWs, dbs, lr, lam), ([W for W in Ws], [b for b in bs]))
    for li in range(len(Ws)):
        expect.close(new_Ws[li], Ws[li] - lr * pen[li], names=f"W^{li + 1} after the step vs W - η × (your ∂Λ_λ/∂W^{li + 1})")
        expect.close(new_bs[li], bs[li] - lr * dbs[li], names=f"B^{li + 1} after the step (biases are not penalised: B - η ∂Λ/∂B)")


def test_pure_decay(student, rng):
    """with zero gradients, k steps shrink every W by (1 - ηλ)^k and leave B unchanged"""
    Ws, bs = network(rng, [4, 3, 2])
    zW, zb = [np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs]
    lr, lam, k = 0.1, 0.5, 5
    cur_W, cur_b = Ws, bs
    for _ in range(k):
        cur_W, cur_b = expect.like(student.weight_decay_step(cur_W, cur_b, zW, zb, lr, lam), (Ws, bs))
    expect.close((cur_W, cur_b), ([(1 - lr * lam) ** k * W for W in Ws], bs), names=["W^{k} after 5 decay steps", "B^{k} after 5 decay steps"])


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random depths and pairwise-distinct widths, λ and η over several decades"""
    depth = int(rng.integers(1, 5))
    Ws, bs = network(rng, distinct_sizes(rng, depth + 1))
    dWs, dbs = _grads(rng, Ws, bs)
    lam = float(10 ** rng.uniform(-4, 0))
    lr = float(10 ** rng.uniform(-3, -0.5))
    expect.close(student.l2_penalized_grads(dWs, Ws, lam), ref.l2_penalized_grads(dWs, Ws, lam))
    expect.close(student.weight_decay_step(Ws, bs, dWs, dbs, lr, lam), ref.weight_decay_step(Ws, bs, dWs, dbs, lr, lam))


@mark.hidden
def test_hidden_lambda_zero(student, ref, rng):
    """λ = 0: the penalised gradient is the plain gradient and the step is plain SGD"""
    Ws, bs = network(rng, [2, 7, 1])
    dWs, dbs = _grads(rng, Ws, bs)
    expect.close(student.l2_penalized_grads(dWs, Ws, 0.0), dWs)
    expect.close(student.weight_decay_step(Ws, bs, dWs, dbs, 0.05, 0.0), ref.weight_decay_step(Ws, bs, dWs, dbs, 0.05, 0.0))
