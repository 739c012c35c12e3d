"""Grader for ch20.weak_form_increment: against the reference; the theorem on the
student's prediction: exact for test functions linear in (c, w) (against the actual
change of ⟨f, μ^N⟩ over one step of the reference's mf_sgd_step), and an O(N^{-2})
error for a quadratic f: duplicating every particle (the same μ^N, steps half as
large) divides the error by exactly 4; e = 0 predicts 0."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import QuadFn, mean_change


SIGMA = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z))}


def _case(rng, N, d, scale=1.0, act="tanh"):
    """Particles, an input, and a target 0.5 to 1.5 away from g^N(x), so the step is never negligible."""
    c, W, x = scale * rng.standard_normal(N), rng.standard_normal((N, d)), rng.standard_normal(d)
    y = float(c @ SIGMA[act](W @ x)) / N + float(rng.choice([-1.0, 1.0])) * float(rng.uniform(0.5, 1.5))
    return c, W, x, y


def _linear_check(student, ref, rng, tol, N, d, act):
    c, W, x, y = _case(rng, N, d, act=act)
    alpha = float(rng.uniform(0.5, 2.0))
    step = ref.mf_sgd_step(c, W, x, y, alpha, act, 1.0)
    changes = []
    for b, a, what in ((1.0, np.zeros(d), "f = c"), (0.0, rng.standard_normal(d), "f = a·w"), (-0.7, rng.standard_normal(d), "f = b c + a·w")):
        f = QuadFn(a, b, 0.0)
        got = expect.like(student.weak_form_increment(c, W, x, y, alpha, f, act), 0.0)
        actual = mean_change(f, (c, W), step)
        changes.append(abs(actual))
        expect.close(
            got, actual, tol.exact, names=f"predicted Δ⟨f, μ^N⟩ for {what}",
            detail="for f linear in (c, w) the first-order formula is exact: it must equal the change of ⟨f, μ^N⟩ "
            "over one step of mf_sgd_step (computed here), (α/N) e ⟨∂_c f σ(w·x) + ∂_w f·x c σ'(w·x), μ^N⟩",
        )
    expect.that(max(changes) > 1e-6, "the test functions must move (a case with no step proves nothing)", quantity="Δ⟨f, μ^N⟩")


def _quadratic_check(student, ref, rng, tol, N, d):
    c, W, x, y = _case(rng, N, d)
    alpha = float(rng.uniform(1.0, 3.0))
    a = rng.standard_normal(d)
    a *= float(rng.uniform(0.2, 1.0)) / np.linalg.norm(a)  # ‖a‖ ≤ 1: ∇²f = [[2, aᵀ], [a, I]] is positive definite,
    f = QuadFn(a, 0.5, 1.0)  # so the second-order error is bounded away from 0
    errors = []
    for k in (1, 2):  # N particles, then each particle twice: the same empirical measure
        ck, Wk = np.tile(c, k), np.tile(W, (k, 1))
        got = expect.like(student.weak_form_increment(ck, Wk, x, y, alpha, f, "tanh"), 0.0)
        errors.append(mean_change(f, (ck, Wk), ref.mf_sgd_step(ck, Wk, x, y, alpha, "tanh", 1.0)) - got)
    ratio = errors[0] / errors[1] if errors[1] != 0 else float("inf")
    expect.that(
        abs(ratio - 4.0) <= tol.ratio["rtol"] * 4.0 and abs(errors[0]) > 1e-9,
        "for a quadratic f the prediction's error is O(N^{-2}): with every particle duplicated it must be exactly 4 times smaller",
        quantity="error of the predicted Δ⟨f, μ^N⟩ (f quadratic)",
        detail=f"error with N = {N}: {errors[0]:.6g}, with the {2 * N} duplicated particles: {errors[1]:.6g} (ratio {ratio:.6g}, "
        "theory 4: the measure μ^N is the same, each step Δθ_i is halved, the error (1/N) Σ ½ Δθ_iᵀ ∇²f Δθ_i quarters). "
        "A prediction off by a constant factor or by a power of N breaks the ratio.",
    )


def test_small(student, ref, rng):
    """N = 6, d = 3, f(c, w) = c + a·w + c² + ½‖w‖² + c a·w, tanh"""
    c, W, x, y = _case(rng, 6, 3)
    f = QuadFn(rng.standard_normal(3), 1.0, 1.0)
    expect.close(student.weak_form_increment(c, W, x, y, 1.5, f, "tanh"), ref.weak_form_increment(c, W, x, y, 1.5, f, "tanh"))


def test_linear_exact(student, ref, rng, tol):
    """[theory] exact for f = c, f = a·w, f = b c + a·w (N = 40, d = 3, tanh)"""
    _linear_check(student, ref, rng, tol, 40, 3, "tanh")


def test_quadratic_second_order(student, ref, rng, tol):
    """[theory] f quadratic: the error is O(N^{-2}), exactly 4 times smaller with each particle duplicated (N = 30, d = 2)"""
    _quadratic_check(student, ref, rng, tol, 30, 2)


def test_zero_error(student, rng):
    """y = g^N(x): no step, a zero increment"""
    c, W, x, _ = _case(rng, 10, 2)
    y = float(c @ np.tanh(W @ x)) / 10
    expect.close(student.weak_form_increment(c, W, x, y, 1.0, QuadFn(rng.standard_normal(2), 1.0, 1.0), "tanh"), 0.0)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random N (1 included), d, activation and test function"""
    N = [1, int(rng.integers(2, 50)), int(rng.integers(50, 3000))][trial]
    d = int(rng.integers(1, 6))
    act = str(rng.choice(["tanh", "relu", "sigmoid"]))
    c, W, x, y = _case(rng, N, d, float(rng.uniform(0.5, 2.0)), act)
    f = QuadFn(rng.standard_normal(d), float(rng.standard_normal()), float(rng.uniform(-1, 1)))
    alpha = float(rng.uniform(0.1, 3.0))
    expect.close(student.weak_form_increment(c, W, x, y, alpha, f, act), ref.weak_form_increment(c, W, x, y, alpha, f, act))


@mark.hidden
def test_hidden_linear_exact(student, ref, rng, tol):
    """[theory] linear test functions, random sizes, ReLU"""
    _linear_check(student, ref, rng, tol, int(rng.integers(5, 200)), int(rng.integers(1, 5)), "relu")


@mark.hidden
def test_hidden_quadratic(student, ref, rng, tol):
    """[theory] the factor 4 for random sizes"""
    _quadratic_check(student, ref, rng, tol, int(rng.integers(5, 100)), int(rng.integers(1, 5)))
