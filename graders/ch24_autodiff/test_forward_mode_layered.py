"""Grader for ch24.forward_mode_layered: the forward pass and the JVP against the
reference; the JVP against central differences of the student's own forward
pass; the branches ẋ = 0 (parameters only) and θ̇ = 0 (input only); one layer;
saturated layers."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import forward_fd, layered_case, layered_direction, random_sizes


def test_forward_small(student, ref, rng):
    """layered_forward, widths 4 → 5 → 3 → 2 (x of length 4 feeds all three layers)"""
    x, Wz, Wx = layered_case(rng, [4, 5, 3, 2])
    expect.close(student.layered_forward(x, Wz, Wx), ref.layered_forward(x, Wz, Wx))


def test_forward_one_layer(student, rng):
    """one layer: z_1 = tanh(W^1_x x) (Wz = [None]), W^1_x of shape (3, 5)"""
    x, Wz, Wx = layered_case(rng, [5, 3])
    expect.close(student.layered_forward(x, Wz, Wx), [np.tanh(Wx[0] @ x)], names="z_1 (should be tanh(W^1_x x))")


def test_jvp_small(student, ref, rng):
    """layered_jvp, widths 4 → 5 → 3 → 2, tangents of every weight and of x"""
    x, Wz, Wx = layered_case(rng, [4, 5, 3, 2])
    dWz, dWx, dx = layered_direction(rng, x, Wz, Wx)
    expect.close(student.layered_jvp(x, Wz, Wx, dWz, dWx, dx), ref.layered_jvp(x, Wz, Wx, dWz, dWx, dx))


def test_jvp_is_derivative_of_your_forward(student, rng, tol):
    """ż_L is d/dt z_L(θ + tθ̇, x + tẋ) of your layered_forward (five-point central differences), widths 3 → 6 → 4 → 5 → 2"""
    x, Wz, Wx = layered_case(rng, [3, 6, 4, 5, 2], scale=1.5)
    dWz, dWx, dx = layered_direction(rng, x, Wz, Wx)
    got = expect.like(student.layered_jvp(x, Wz, Wx, dWz, dWx, dx), np.zeros(2))
    fd = forward_fd(student, x, Wz, Wx, dWz, dWx, dx)
    # a non-trivial direction: the derivative has size about 1 here, so 0 = 0 cannot pass
    expect.that(np.linalg.norm(fd) > 1e-3, "the test direction must move z_L", quantity="central difference", detail=f"{fd}")
    expect.gradient(got, fd, rel=tol.fd["rel"], quantity="ż_L against central differences of your layered_forward")


def test_jvp_parameters_only(student, ref, rng):
    """ẋ = 0: the tangent comes from the weights alone (the direct terms Ẇ^ℓ_z z_{ℓ-1} + Ẇ^ℓ_x x), widths 3 → 4 → 6 → 2"""
    x, Wz, Wx = layered_case(rng, [3, 4, 6, 2])
    dWz, dWx, dx = layered_direction(rng, x, Wz, Wx, inputs=False)
    expect.close(student.layered_jvp(x, Wz, Wx, dWz, dWx, dx), ref.layered_jvp(x, Wz, Wx, dWz, dWx, dx))


def test_jvp_input_only(student, ref, rng):
    """θ̇ = 0: the tangent of z_L along ẋ alone, which enters EVERY layer through W^ℓ_x ẋ, widths 5 → 3 → 4 → 2"""
    x, Wz, Wx = layered_case(rng, [5, 3, 4, 2])
    dWz, dWx, dx = layered_direction(rng, x, Wz, Wx, parameters=False)
    expect.close(student.layered_jvp(x, Wz, Wx, dWz, dWx, dx), ref.layered_jvp(x, Wz, Wx, dWz, dWx, dx))


@mark.hidden
@mark.weight(3)
@mark.parametrize("L", (1, 2, 5))
def test_hidden_random_depths(student, ref, rng, L):
    """L = 1, 2 and 5 layers with pairwise-distinct widths"""
    x, Wz, Wx = layered_case(rng, random_sizes(rng, L), scale=float(rng.uniform(0.5, 2.0)))
    dWz, dWx, dx = layered_direction(rng, x, Wz, Wx)
    expect.close(student.layered_forward(x, Wz, Wx), ref.layered_forward(x, Wz, Wx))
    expect.close(student.layered_jvp(x, Wz, Wx, dWz, dWx, dx), ref.layered_jvp(x, Wz, Wx, dWz, dWx, dx))


@mark.hidden
def test_hidden_saturated(student, ref, rng):
    """large weights: most units saturated (σ' ≈ 0), 4 layers"""
    x, Wz, Wx = layered_case(rng, random_sizes(rng, 4), scale=8.0)
    dWz, dWx, dx = layered_direction(rng, x, Wz, Wx)
    expect.close(student.layered_jvp(x, Wz, Wx, dWz, dWx, dx), ref.layered_jvp(x, Wz, Wx, dWz, dWx, dx))


@mark.hidden
def test_hidden_fd(student, rng, tol):
    """central differences of your own forward pass, 6 layers of random widths"""
    x, Wz, Wx = layered_case(rng, random_sizes(rng, 6))
    dWz, dWx, dx = layered_direction(rng, x, Wz, Wx)
    got = expect.like(student.layered_jvp(x, Wz, Wx, dWz, dWx, dx), np.zeros(Wx[-1].shape[0]))
    expect.gradient(got, forward_fd(student, x, Wz, Wx, dWz, dWx, dx), rel=tol.fd["rel"], quantity="ż_L")
