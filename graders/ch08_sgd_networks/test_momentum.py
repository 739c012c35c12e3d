"""Grader for ch08.momentum.

A hand-computed step for each variant, sequences against the reference with a
learning rate that changes every step (which separates PyTorch's v ← μv + g
from the classic v ← μv - ηg), and the heavy-ball rate: on a quadratic with
curvatures λ_i, once the iteration's eigenvalues are complex the energy
E_k = Σ_i (e_{k+1,i}² - a_i e_{k+1,i} e_{k,i} + μ e_{k,i}²), a_i = 1 + μ - ηλ_i,
of the error e_k = θ_k - θ* shrinks by exactly μ per step (so ||e_k|| ~ (√μ)^k).
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import compare_sequences, gradient_sequence


def hand_case(rng):
    """A small step with readable numbers (multiples of 1/4, η and μ multiples of 1/8), from the seed."""
    theta, v, g = (rng.integers(-8, 9, 2) / 4.0 for _ in range(3))
    return theta, v, g, float(rng.integers(1, 5)) / 8.0, float(rng.integers(4, 8)) / 8.0


def test_hand_heavy_ball(student, rng):
    """one step by hand: v_new = μ v + g, θ_new = θ - η v_new (e.g. θ=[1,-2], v=[0.5,0], g=[1,1], η=0.1, μ=0.9 gives v=[1.45,1], θ=[0.855,-2.1])"""
    theta, v, g, lr, mu = hand_case(rng)
    v_new = mu * v + g
    got = student.momentum_step(theta, v, g, lr, mu)
    expect.close(got, (theta - lr * v_new, v_new), detail=f"θ = {theta}, v = {v}, g = {g}, η = {lr}, μ = {mu}")


def test_hand_nesterov(student, rng):
    """the same with nesterov=True: θ_new = θ - η(g + μ v_new), with the NEW velocity"""
    theta, v, g, lr, mu = hand_case(rng)
    v_new = mu * v + g
    got = student.momentum_step(theta, v, g, lr, mu, nesterov=True)
    expect.close(got, (theta - lr * (g + mu * v_new), v_new), detail=f"θ = {theta}, v = {v}, g = {g}, η = {lr}, μ = {mu}")


@mark.parametrize("nesterov", [False, True])
def test_sequence(student, ref, rng, nesterov):
    """15 steps from v = 0 with η_k = 0.1/(1 + k/5) changing every step, against the reference"""
    gs = gradient_sequence(rng, 15, (4,), spread=1.0)
    inputs = [(g, 0.1 / (1 + k / 5), 0.9, nesterov) for k, g in enumerate(gs)]
    compare_sequences(student.momentum_step, ref.momentum_step, (rng.standard_normal(4), np.zeros(4)), inputs, ["θ", "v"])


def test_heavy_ball_rate(student, rng, tol):
    """[theory] κ = 100, μ in [0.76, 0.85] from the seed, η = 0.02: the error energy shrinks by exactly μ per step"""
    lam = np.geomspace(1.0, 100.0, 6)
    mu, eta, K = float(rng.uniform(0.76, 0.85)), 0.02, 25
    # every (1 + μ - ηλ_i)² < 4μ here (the worst, λ = 1, needs (μ + 0.98)² < 4μ, true for
    # μ in [0.76, 0.85]), so each coordinate's two-step recursion e_{k+1} = a_i e_k - μ e_{k-1}
    # (k ≥ 1) has complex roots of modulus √μ, and E_{k+1} = μ E_k exactly; rounding moves
    # the ratios by ~1e-13, hence rel 1e-6.
    theta, v = rng.uniform(0.5, 1.5, 6) * rng.choice([-1.0, 1.0], 6), np.zeros(6)
    traj = [theta]
    for _ in range(K):
        theta, v = expect.like(student.momentum_step(theta, v, lam * theta, eta, mu), (theta, v))
        traj.append(theta)
    e = np.array(traj)
    a = 1 + mu - eta * lam
    energy = np.sum(e[2:] ** 2 - a * e[2:] * e[1:-1] + mu * e[1:-1] ** 2, axis=1)
    ratios = energy[1:] / energy[:-1]
    k = int(np.argmax(np.abs(ratios - mu)))
    gd_best = (lam[-1] - lam[0]) / (lam[-1] + lam[0])
    expect.that(
        bool(np.all(np.abs(ratios - mu) <= tol.rate["rel"] * mu)),
        f"heavy ball with μ = {mu:.4g}: the error energy must shrink by the factor μ at every step",
        quantity="contraction of θ_k - θ*",
        detail=(
            f"measured E_{k + 2}/E_{k + 1} = {ratios[k]:.6g}, theory μ = {mu:.4g}; so ||θ_k - θ*|| ~ √μ^k = {np.sqrt(mu):.3f}^k, "
            f"while plain gradient descent with its best step only reaches {gd_best:.3f}^k on this κ = 100 quadratic"
        ),
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_sequences(student, ref, rng, trial):
    """random shapes (a weight matrix included), μ, per-step η, both variants"""
    shape = [(1,), (int(rng.integers(2, 6)), int(rng.integers(2, 6))), (int(rng.integers(5, 20)),)][trial]
    K = int(rng.integers(5, 15))
    mu = float(rng.uniform(0.0, 0.99))
    nesterov = bool(trial % 2) if trial < 2 else bool(rng.integers(2))
    lrs = 10.0 ** rng.uniform(-3, 0, K)
    inputs = [(g, float(lr), mu, nesterov) for g, lr in zip(gradient_sequence(rng, K, shape), lrs)]
    compare_sequences(student.momentum_step, ref.momentum_step, (rng.standard_normal(shape), np.zeros(shape)), inputs, ["θ", "v"])


@mark.hidden
def test_hidden_resume(student, ref, rng):
    """a nonzero incoming velocity (resumed training), Nesterov and heavy ball"""
    theta, v, g = rng.standard_normal((3, 7))
    variants = (False, True)
    for got, nesterov in zip(student.momentum_step.many([(theta, v, g, 0.03, 0.95, n) for n in variants]), variants):  # one round trip
        expect.close(got, ref.momentum_step(theta, v, g, 0.03, 0.95, nesterov))
