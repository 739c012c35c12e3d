"""Grader for ch08.rmsprop.

A hand case that pins down where δ goes (δ = 1, r = 0, g = 1, ρ = 0 gives the
step η/√2), sequences against the reference, and the closed form for a
constant gradient from r = 0 with δ = 0: r_k = (1 - ρ^k) g², so step k moves
every coordinate by exactly η/√(1 - ρ^k) against the sign of g, whatever |g|.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import compare_sequences, each_step, gradient_sequence


def test_where_delta_goes(student, rng):
    """δ=1, ρ=0, r=0: r_new = g², θ_new = θ - η g/√(1 + g²) (e.g. g = 1 gives the step η/√2; δ outside the root gives η/2)"""
    g = rng.integers(1, 5, 3) * rng.choice([-1.0, 1.0], 3)
    theta = rng.integers(-4, 5, 3) / 2.0
    lr = float(rng.integers(1, 5)) / 10.0
    got = student.rmsprop_step(theta, np.zeros(3), g, lr, 0.0, 1.0)
    expect.close(got, (theta - lr * g / np.sqrt(1.0 + g * g), g * g), detail=f"θ = {theta}, g = {g}, η = {lr}")


def test_sequence(student, ref, rng):
    """15 steps, ρ=0.9, δ=1e-6, gradients with scales from 0.01 to 100"""
    inputs = [(g, 0.01, 0.9, 1e-6) for g in gradient_sequence(rng, 15, (5,))]
    compare_sequences(student.rmsprop_step, ref.rmsprop_step, (rng.standard_normal(5), np.zeros(5)), inputs, ["θ", "r"])


def test_constant_gradient(student, rng, tol):
    """δ=0, constant g from r=0: step k has size η/√(1-ρ^k) in every coordinate, whatever |g| (from 1e-3 to 1e4)"""
    g = rng.choice([-1.0, 1.0], 4) * 10.0 ** rng.uniform(-3, 4, 4)
    eta, rho, K = float(rng.uniform(0.01, 0.1)), float(rng.uniform(0.5, 0.95)), 12
    theta, r = np.zeros(4), np.zeros(4)
    steps = []
    for got in each_step(student.rmsprop_step, (theta, r), [(g, eta, rho, 0.0)] * K):
        new, r = expect.like(got, (theta, r))
        steps.append(theta - new)
        theta = new
    k = np.arange(1, K + 1)[:, None]
    expect.close(np.array(steps), eta * np.sign(g) / np.sqrt(1 - rho**k) * np.ones(4), names="step θ_{k-1} - θ_k (row k-1)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_sequences(student, ref, rng, trial):
    """random shapes, ρ, δ ∈ {0, 1e-8, 1e-2}, gradient scales from 1e-4 to 1e4"""
    shape = [(1,), (int(rng.integers(2, 6)), int(rng.integers(2, 6))), (int(rng.integers(5, 20)),)][trial]
    rho = float(rng.uniform(0.0, 0.99))
    delta = [0.0, 1e-8, 1e-2][trial]
    K = int(rng.integers(5, 15))
    inputs = [(g, float(10 ** rng.uniform(-3, -1)), rho, delta) for g in gradient_sequence(rng, K, shape, spread=4.0)]
    compare_sequences(student.rmsprop_step, ref.rmsprop_step, (rng.standard_normal(shape), np.zeros(shape)), inputs, ["θ", "r"])


@mark.hidden
def test_hidden_resume(student, ref, rng):
    """a nonzero incoming average r (resumed training)"""
    theta, g = rng.standard_normal((2, 6))
    r = rng.uniform(0.1, 2.0, 6)
    expect.close(student.rmsprop_step(theta, r, g, 0.02, 0.95, 1e-4), ref.rmsprop_step(theta, r, g, 0.02, 0.95, 1e-4))
