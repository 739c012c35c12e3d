"""Grader for ch15.gan_losses: closed forms at logit 0, the identity
L_G_ns + L_G_minimax = -mean(f) (softplus(-a) - softplus(a) = -a), the reference,
and logits of ±800 (past exp's overflow at 709.78) with numpy's floating-point
warnings switched on: overflow, invalid values and division by zero fail the
check; underflow (e^{-800} → 0, which every stable formula produces) does not."""

import numpy as np
import pytest

from mathdl_cli.grading import expect
from mathdl_cli.grading.errors import current

LOG2 = float(np.log(2.0))


def _losses(student, r, f):
    return expect.like(student.gan_losses(r, f), (0.0, 0.0, 0.0))


def _stable_call(student, r, f):
    """Call with np.errstate(all='warn') in the child and fail on any floating-point
    alarm except underflow. (np.errstate(all='raise') would also trap the harmless
    underflow of np.logaddexp(0, -800), failing correct stable code.)"""
    ctx = current()
    before = len(ctx.warnings) if ctx is not None else 0
    with student.errstate("warn"):
        got = student.gan_losses(r, f)
    new = list(ctx.warnings[before:]) if ctx is not None else []
    alarms = [w for w in new if "RuntimeWarning" in w and any(k in w for k in ("overflow", "invalid value", "divide by zero"))]
    expect.that(
        not alarms,
        "numpy reported a floating-point overflow / invalid value on logits of ±800: compute softplus without exponentiating large positive numbers",
        quantity="(L_D, L_G non-saturating, L_G minimax)",
        detail="; ".join(list(dict.fromkeys(alarms))[:3]) + " (np.logaddexp(0, a) or max(a, 0) + log1p(exp(-|a|)) never overflow; np.where evaluates BOTH branches)",
    )
    return got


def test_zero_logits(student):
    """D = ½ everywhere (all logits 0): L_D = 2 log 2, L_G non-sat = log 2, L_G minimax = -log 2"""
    got = student.gan_losses(np.zeros(5), np.zeros(3))
    expect.close(got, (2 * LOG2, LOG2, -LOG2))


def test_values(student, ref, rng):
    """moderate logits: 6 real and 4 fake samples"""
    r, f = 3 * rng.standard_normal(6), 3 * rng.standard_normal(4)
    expect.close(student.gan_losses(r, f), ref.gan_losses(r, f))


def test_generator_identity(student, rng):
    """L_G non-saturating + L_G minimax = -mean(fake logits)"""
    r, f = 2 * rng.standard_normal(5), 2 * rng.standard_normal(7)
    _, ns, mm = _losses(student, r, f)
    expect.close(ns + mm, -float(np.mean(f)), names="L_G non-saturating + L_G minimax (must be -mean(f), since softplus(-a) - softplus(a) = -a)")


def test_extreme_logits(student, ref):
    """logits ±800 (exp overflows beyond 709.78), with numpy's overflow warnings on: a confident and a fooled discriminator"""
    r = np.array([800.0, -800.0, 2.0, 30.0])
    f = np.array([-800.0, 800.0, -1.5])
    want = ref.gan_losses(r, f)
    expect.close(_stable_call(student, r, f), want)


def test_separate_means(student):
    """the two means of L_D are taken separately (3 real logits 1, 5 fake logits -2)"""
    got = _losses(student, np.full(3, 1.0), np.full(5, -2.0))
    want = float(np.log1p(np.exp(-1.0)) + np.log1p(np.exp(-2.0)))
    expect.close(got[0], want, names="L_D (must be mean softplus(-r) + mean softplus(f) = softplus(-1) + softplus(-2))")


@pytest.mark.hidden
@pytest.mark.weight(2)
@pytest.mark.parametrize("sizes", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_hidden_extreme(student, ref, rng, sizes):
    """M = 1 and M = 2 samples, logits ±800 mixed with moderate ones, floating-point warnings on"""
    mr, mf = sizes
    r = rng.choice([-800.0, 800.0, 750.0, -720.0], mr) + rng.standard_normal(mr)
    f = rng.choice([-800.0, 800.0, -750.0, 720.0], mf) + rng.standard_normal(mf)
    expect.close(_stable_call(student, r, f), ref.gan_losses(r, f))


@pytest.mark.hidden
@pytest.mark.parametrize("trial", range(2))
def test_hidden_random(student, ref, rng, trial):
    """random lengths M_r ≠ M_f and logit scales up to 10³"""
    mr, mf = (int(v) for v in rng.choice(np.arange(1, 12), 2, replace=False))
    scale = float(10 ** rng.uniform(0, 3))
    r, f = scale * rng.standard_normal(mr), scale * rng.standard_normal(mf)
    expect.close(_stable_call(student, r, f), ref.gan_losses(r, f))
