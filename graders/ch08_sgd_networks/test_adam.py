"""Grader for ch08.adam.

The first step in closed form (ŝ = g, r̂ = g², so θ moves by η g/(|g| + δ)),
the constant-gradient property (the bias correction makes every step that
same size: a straight line), sequences against the reference including a
resumed run at k = 37 and tiny gradients where the place of δ matters.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import compare_sequences, each_step, gradient_sequence


def test_first_step(student, rng):
    """k=1 from s=r=0 with the default ρ1, ρ2, δ: s=(1-ρ1)g, r=(1-ρ2)g², θ moves by η g/(|g|+δ) ≈ η sign(g)"""
    g = rng.choice([-1.0, 1.0], 3) * 10.0 ** rng.uniform(-3, 3, 3)
    theta = rng.standard_normal(3)
    lr = float(rng.uniform(0.001, 0.1))
    got = student.adam_step(theta, np.zeros(3), np.zeros(3), g, 1, lr)
    expect.close(got, (theta - lr * g / (np.abs(g) + 1e-8), 0.1 * g, 0.001 * g * g))


def test_constant_gradient(student, rng):
    """a constant gradient for 15 steps: every step is exactly η g/(|g|+δ) (bias correction), |g| from 1e-3 to 1e4"""
    g = rng.choice([-1.0, 1.0], 4) * 10.0 ** rng.uniform(-3, 4, 4)
    lr = float(rng.uniform(0.001, 0.1))
    theta, s, r = np.zeros(4), np.zeros(4), np.zeros(4)
    steps = []
    for got in each_step(student.adam_step, (theta, s, r), [(g, k, lr) for k in range(1, 16)]):
        new, s, r = expect.like(got, (theta, s, r))
        steps.append(theta - new)
        theta = new
    expect.close(np.array(steps), np.tile(lr * g / (np.abs(g) + 1e-8), (15, 1)), names="step θ_{k-1} - θ_k (row k-1)")


def test_sequence(student, ref, rng):
    """20 steps k = 1..20, η=0.01, default ρ1, ρ2, δ, gradients with scales 0.01..100"""
    inputs = [(g, k, 0.01) for k, g in enumerate(gradient_sequence(rng, 20, (4,)), start=1)]
    compare_sequences(student.adam_step, ref.adam_step, (rng.standard_normal(4), np.zeros(4), np.zeros(4)), inputs, ["θ", "s", "r"])


def test_resume_and_tiny_gradients(student, ref, rng):
    """resuming at k = 37 with given s, r; then gradients of size 1e-6 next to δ = 1e-8"""
    theta, s = rng.standard_normal((2, 5))
    r = rng.uniform(0.5, 2.0, 5)
    g = rng.standard_normal(5)
    expect.close(student.adam_step(theta, s, r, g, 37, 0.003, 0.8, 0.99, 1e-6), ref.adam_step(theta, s, r, g, 37, 0.003, 0.8, 0.99, 1e-6))
    inputs = [(1e-6 * g, k, 0.01) for k, g in enumerate(gradient_sequence(rng, 8, (5,), spread=0.5), start=1)]
    compare_sequences(student.adam_step, ref.adam_step, (np.zeros(5), np.zeros(5), np.zeros(5)), inputs, ["θ", "s", "r"])


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_sequences(student, ref, rng, trial):
    """random shapes (a matrix included), ρ1, ρ2, δ, η, starting step and gradient scales"""
    shape = [(1,), (int(rng.integers(2, 6)), int(rng.integers(2, 6))), (int(rng.integers(5, 20)),)][trial]
    rho1, rho2 = float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.9, 0.9999))
    delta, lr = float(10 ** rng.uniform(-10, -4)), float(10 ** rng.uniform(-3, -1))
    K = int(rng.integers(5, 15))
    inputs = [(g, k, lr, rho1, rho2, delta) for k, g in enumerate(gradient_sequence(rng, K, shape, spread=4.0), start=1)]
    compare_sequences(student.adam_step, ref.adam_step, (rng.standard_normal(shape), np.zeros(shape), np.zeros(shape)), inputs, ["θ", "s", "r"])


@mark.hidden
def test_hidden_late_step(student, ref, rng):
    """one step at a large k (the bias corrections are almost 1)"""
    theta, s, g = rng.standard_normal((3, 4))
    r = rng.uniform(0.1, 1.0, 4)
    k = int(rng.integers(500, 5000))
    expect.close(student.adam_step(theta, s, r, g, k, 0.001), ref.adam_step(theta, s, r, g, k, 0.001))
