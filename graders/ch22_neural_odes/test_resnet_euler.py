"""Grader for ch22.resnet_euler: the network against the reference and a
one-block closed form; the network IS Euler's method for the piecewise-constant
θ(t) (compared with the reference Euler solver, to rounding); and the
theorem on the student's own network: for smooth θ(t) the distance to the
ODE's solution halves as the depth doubles (ratios in [1.8, 2.2] for
L = 16, 32, 64; the reference stays within [1.933, 2.033] over 1000 problems,
bench/ch22_calibration.py)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import TRUTH_N, piecewise_field, smooth_theta, theta_field


def _blocks(rng, L, d, scale=1.0):
    return [(scale * rng.standard_normal((d, d)) / np.sqrt(d), 0.5 * rng.standard_normal(d)) for _ in range(L)]


def test_small(student, ref, rng):
    """3 blocks, d = 3, a batch of 4, h = 0.3"""
    thetas = _blocks(rng, 3, 3)
    x0 = rng.standard_normal((4, 3))
    expect.close(student.resnet_forward(x0, thetas, 0.3), ref.resnet_forward(x0, thetas, 0.3))


def test_one_block(student, rng):
    """one block with a non-symmetric W: x_1 = x_0 + h tanh(W x_0 + b), i.e. X + h tanh(X Wᵀ + b) on rows"""
    W, b = rng.standard_normal((2, 2)), rng.standard_normal(2)
    W[0, 1] += 2.0
    x0 = rng.standard_normal((3, 2))
    want = np.stack([x0, x0 + 0.5 * np.tanh(x0 @ W.T + b)])
    expect.close(student.resnet_forward(x0, [(W, b)], 0.5), want, names="ResNet states (x_1 = x_0 + h tanh(W x_0 + b))")


def test_is_euler(student, ref, rng):
    """your network equals Euler's method (the reference solver) for ẋ = tanh(W(t)x + b(t)) with θ(t) = θ_ℓ on [ℓh, (ℓ+1)h): 6 blocks, h = 0.25"""
    thetas = _blocks(rng, 6, 3)
    x0 = rng.standard_normal((5, 3))
    got = student.resnet_forward(x0, thetas, 0.25)
    expect.close(got, ref.euler(piecewise_field(thetas, 0.25, (5, 3)), x0, 0.0, 1.5, 6),
                 names="ResNet states vs Euler for the piecewise-constant θ(t)")


def test_zero_depth_and_step(student, rng):
    """L = 0 returns the input alone, shape (1, m, d); h = 0 keeps every state equal to x0"""
    x0 = rng.standard_normal((2, 4))
    expect.close(student.resnet_forward(x0, [], 0.1), x0[None], names="ResNet states for L = 0")
    expect.close(student.resnet_forward(x0, _blocks(rng, 3, 4), 0.0), np.stack([x0] * 4), names="ResNet states for h = 0")


def _converges(student, ref, rng, tol):
    d, m, T = 3, 5, 1.0
    theta = smooth_theta(rng, d)
    x0 = rng.standard_normal((m, d))
    truth = ref.rk4(theta_field(theta, (m, d)), x0, 0.0, T, TRUTH_N)[-1]
    errs = []
    for L in (16, 32, 64):
        h = T / L
        out = expect.like(student.resnet_forward(x0, [theta(l * h) for l in range(L)], h), np.zeros((L + 1, m, d)))
        errs.append(float(np.linalg.norm(out[-1] - truth)))
    ratios = [errs[0] / max(errs[1], 1e-300), errs[1] / max(errs[2], 1e-300)]
    lo, hi = tol.ratio["low"], tol.ratio["high"]
    expect.that(
        all(lo <= r <= hi for r in ratios),  # first order: ratio → 2; reference over 1000 problems in [1.933, 2.033]
        f"doubling the depth (h = T/L) must halve the distance to the ODE's x(T): ratios in [{lo:g}, {hi:g}]",
        quantity="ResNet output",
        detail=f"distances for L = 16, 32, 64: {errs[0]:.4g}, {errs[1]:.4g}, {errs[2]:.4g}; ratios {ratios[0]:.3f}, {ratios[1]:.3f}",
    )


def test_converges_like_euler(student, ref, rng, tol):
    """the theorem on your network: θ_ℓ = θ(ℓh) for a smooth θ(t), h = 1/L: the distance to x(1) halves as L doubles (L = 16, 32, 64)"""
    _converges(student, ref, rng, tol)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random depth, width (d = 1 included), batch (m = 1 included), step and weight scale"""
    d = [1, int(rng.integers(2, 6)), int(rng.integers(2, 6))][trial]
    m = [int(rng.integers(2, 5)), 1, int(rng.integers(2, 9))][trial]
    thetas = _blocks(rng, int(rng.integers(1, 12)), d, scale=float(rng.uniform(0.3, 3)))
    x0 = rng.standard_normal((m, d))
    h = float(rng.uniform(0.01, 1))
    expect.close(student.resnet_forward(x0, thetas, h), ref.resnet_forward(x0, thetas, h))


@mark.hidden
def test_hidden_converges(student, ref, rng, tol):
    """per-student smooth θ(t): ratios of distances in [1.8, 2.2]"""
    _converges(student, ref, rng, tol)
