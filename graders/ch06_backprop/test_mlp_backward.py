"""Grader for ch06.mlp_backward: Λ and every gradient against the reference;
the student's gradients against central differences of the student's own Λ;
Λ and the one-layer gradient against closed forms computed here."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import KINKED, SMOOTH, distinct_sizes, fd_check, forward, regression_case, square_loss


def _template(Ws, bs):
    return (0.0, [np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs])


def test_small_tanh_net(student, ref, rng):
    """tanh net 5→7→3→2, batch of 4: Λ, ∂Λ/∂W^ℓ and ∂Λ/∂B^ℓ"""
    X, Y, Ws, bs = regression_case(rng, [5, 7, 3, 2], 4, "tanh")
    expect.close(student.mlp_backward(X, Y, Ws, bs, "tanh"), ref.mlp_backward(X, Y, Ws, bs, "tanh"))


def test_gradient_of_your_loss(student, rng, tol):
    """your gradients are the derivatives of your Λ: central differences on 2 entries of every W^ℓ and B^ℓ (sigmoid 3→6→4→2, M = 5)"""
    X, Y, Ws, bs = regression_case(rng, [3, 6, 4, 2], 5, "sigmoid")
    fd_check(student.mlp_backward, X, Y, Ws, bs, "sigmoid", rng, tol.fd["rel"], per_array=2, loss=square_loss)


def test_loss_value(student, rng):
    """Λ = ‖Y - U‖_F² / (2M), with U from the provided forward pass (sigmoid net 3→4→2, M = 6)"""
    X, Y, Ws, bs = regression_case(rng, [3, 4, 2], 6, "sigmoid")
    U, _, _ = forward(X, Ws, bs, "sigmoid")
    loss, _, _ = expect.like(student.mlp_backward(X, Y, Ws, bs, "sigmoid"), _template(Ws, bs))
    expect.close(loss, float(np.sum((Y - U) ** 2)) / (2 * 6), names="Λ (should be (1/(2M)) ‖Y - U‖_F²)")


def test_single_layer_closed_form(student, rng):
    """one layer (L = 1), the least squares of Chapter 2: ∂Λ/∂W = Xᵀ(XW + 1Bᵀ - Y)/M, ∂Λ/∂B = 1ᵀ(XW + 1Bᵀ - Y)/M"""
    X, Y, Ws, bs = regression_case(rng, [4, 3], 7, "tanh")
    R = X @ Ws[0] + bs[0] - Y
    want = (float(np.sum(R**2)) / 14, [X.T @ R / 7], [R.sum(axis=0) / 7])
    expect.close(student.mlp_backward(X, Y, Ws, bs, "tanh"), want)


def test_relu_net(student, ref, rng):
    """ReLU net 6→5→4→3, batch of 8 (inputs kept away from the kinks)"""
    X, Y, Ws, bs = regression_case(rng, [6, 5, 4, 3], 8, "relu")
    expect.close(student.mlp_backward(X, Y, Ws, bs, "relu"), ref.mlp_backward(X, Y, Ws, bs, "relu"))


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(3))
def test_hidden_random_networks(student, ref, rng, trial):
    """pairwise-distinct widths, 2 to 4 layers, M = 1, M = 2 and larger, smooth activations"""
    L = int(rng.integers(2, 5))
    sizes = distinct_sizes(rng, L)
    M = [1, 2, int(rng.integers(3, 20))][trial]
    activation = SMOOTH[int(rng.integers(len(SMOOTH)))]
    X, Y, Ws, bs = regression_case(rng, sizes, M, activation, scale=float(rng.uniform(0.5, 2.0)))
    expect.close(student.mlp_backward(X, Y, Ws, bs, activation), ref.mlp_backward(X, Y, Ws, bs, activation))


@mark.hidden
@mark.weight(2)
@mark.parametrize("activation", KINKED)
def test_hidden_kinked(student, ref, rng, tol, activation):
    """ReLU-type networks with distinct widths: reference, and central differences of your Λ"""
    sizes = distinct_sizes(rng, 3)
    M = int(rng.integers(2, 9))
    X, Y, Ws, bs = regression_case(rng, sizes, M, activation)
    expect.close(student.mlp_backward(X, Y, Ws, bs, activation), ref.mlp_backward(X, Y, Ws, bs, activation))
    fd_check(student.mlp_backward, X, Y, Ws, bs, activation, rng, tol.fd["rel"], per_array=2, loss=square_loss)


@mark.hidden
def test_hidden_deep_narrow(student, ref, rng):
    """5 layers with a single output (Y of shape (M, 1)) and a width-1 bottleneck"""
    sizes = [3, 5, 1, 4, 2, 1]
    X, Y, Ws, bs = regression_case(rng, sizes, 6, "tanh")
    expect.close(student.mlp_backward(X, Y, Ws, bs, "tanh"), ref.mlp_backward(X, Y, Ws, bs, "tanh"))
