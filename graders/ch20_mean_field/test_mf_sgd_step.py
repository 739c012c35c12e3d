"""Grader for ch20.mf_sgd_step: against the reference; the step equals SGD with
learning rate α N^{2γ-2} on ½(y - g^{N,γ}(x))², with the gradient from the complex
step of the loss (independent of the update formulas); exchangeability; e = 0
leaves the particles unchanged; γ = ½, ¾ and ReLU."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import sgd_step_by_complex_step

ACTS = ("tanh", "sigmoid", "relu", "softplus", "identity")


def _case(rng, N, d):
    return rng.standard_normal(N), rng.standard_normal((N, d)), rng.standard_normal(d), float(rng.standard_normal())


def test_small(student, ref, rng):
    """N = 6 particles, d = 3, tanh, α = 0.8, γ = 1 (mean-field)"""
    c, W, x, y = _case(rng, 6, 3)
    expect.close(student.mf_sgd_step(c, W, x, y, 0.8, "tanh", 1.0), ref.mf_sgd_step(c, W, x, y, 0.8, "tanh", 1.0))


@mark.parametrize("gamma", [1.0, 0.5])
def test_is_sgd(student, rng, gamma):
    """the step is SGD with learning rate α N^{2γ-2} on ½(y - g)², ∇ by the complex step (N = 5, d = 4, tanh)"""
    c, W, x, y = _case(rng, 5, 4)
    expect.close(
        student.mf_sgd_step(c, W, x, y, 1.3, "tanh", gamma), sgd_step_by_complex_step(c, W, x, y, 1.3, gamma),
        detail=f"θ - α N^{{2γ-2}} ∇_θ ½(y - g^{{N,γ}}(x))² with γ = {gamma:g}, the gradient computed by the complex step: "
        "each particle moves by α N^{γ-2} e (σ(w·x), c σ'(w·x) x), with e and c taken BEFORE the step.",
    )


def test_exchangeable(student, rng):
    """permuting the particles permutes the result (N = 9, d = 2)"""
    c, W, x, y = _case(rng, 9, 2)
    perm = rng.permutation(9)
    (c1, W1), (c2, W2) = student.mf_sgd_step.many([(c, W, x, y, 2.0, "tanh", 1.0), (c[perm], W[perm], x, y, 2.0, "tanh", 1.0)])
    expect.close((np.asarray(c2), np.asarray(W2)), (np.asarray(c1)[perm], np.asarray(W1)[perm]),
                 names=["c after the step of the permuted particles", "W after the step of the permuted particles"],
                 detail="g^N depends on the particles only through their empirical measure, so each particle's update "
                 "must not depend on its index")
    expect.that(np.abs(np.asarray(c1) - c).max() > 1e-6, "the particles must move", quantity="c after the step")


def test_other_gammas_and_relu(student, ref, rng):
    """γ = ½ and γ = ¾ (tanh), and ReLU with γ = 1 (N = 7, d = 3)"""
    c, W, x, y = _case(rng, 7, 3)
    for act, gamma in (("tanh", 0.5), ("tanh", 0.75), ("relu", 1.0)):
        expect.close(student.mf_sgd_step(c, W, x, y, 1.1, act, gamma), ref.mf_sgd_step(c, W, x, y, 1.1, act, gamma))


def test_zero_error(student, rng):
    """y = g^N(x): e = 0 and nothing moves"""
    c, W, x, _ = _case(rng, 8, 3)
    y = float(c @ np.tanh(W @ x)) / 8
    expect.close(student.mf_sgd_step(c, W, x, y, 1.0, "tanh", 1.0), (c, W))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random N (1 included), d (1 included), activation, α and γ"""
    N = [1, int(rng.integers(2, 20)), int(rng.integers(20, 2000)), 10_000][trial]
    d = [int(rng.integers(1, 5)), 1, int(rng.integers(2, 6)), 3][trial]
    c, W, x, y = _case(rng, N, d)
    act, gamma, alpha = ACTS[int(rng.integers(len(ACTS)))], float(rng.uniform(0.5, 1.0)), float(rng.uniform(0.1, 3.0))
    expect.close(student.mf_sgd_step(c, W, x, y, alpha, act, gamma), ref.mf_sgd_step(c, W, x, y, alpha, act, gamma))


@mark.hidden
def test_hidden_is_sgd(student, rng):
    """the complex-step SGD oracle, random sizes and γ"""
    c, W, x, y = _case(rng, int(rng.integers(1, 8)), int(rng.integers(1, 5)))
    gamma = float(rng.uniform(0.5, 1.0))
    expect.close(student.mf_sgd_step(c, W, x, y, 0.9, "tanh", gamma), sgd_step_by_complex_step(c, W, x, y, 0.9, gamma))
