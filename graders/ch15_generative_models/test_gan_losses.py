"""Grader for ch15.gan_losses: closed forms at logit 0, the identity
L_G_ns + L_G_minimax = -mean(f) (softplus(-a) - softplus(a) = -a), the reference,
and logits of ±800 (past exp's overflow at 709.78) with numpy's floating-point
floating-point errors trapped (np.errstate(all="raise")): overflow, invalid values
and division by zero fail the check; underflow (e^{-800} → 0, which every stable
formula produces) does not."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

LOG2 = float(np.log(2.0))


def _losses(student, r, f):
    return expect.like(student.gan_losses(r, f), (0.0, 0.0, 0.0))


def _stable_call(student, r, f):
    """gan_losses(r, f) under np.errstate(all="raise") with underflow allowed."""
    return expect.without_overflow(
        student, "gan_losses", r, f, what="(L_D, L_G non-saturating, L_G minimax)",
        advice="compute softplus without exponentiating large positive numbers: np.logaddexp(0, a) or max(a, 0) + log1p(exp(-|a|)) never overflow (np.where evaluates BOTH branches)",
    )


def _extreme(rng, m, values):
    """m logits: exactly +800 and -800 (both always present when m ≥ 2), the rest from `values` plus noise, shuffled."""
    pinned = rng.permutation([800.0, -800.0])[:m]
    rest = rng.choice(values, max(m - 2, 0)) + rng.standard_normal(max(m - 2, 0))
    return rng.permutation(np.concatenate([pinned, rest]))


def test_zero_logits(student, rng):
    """D = ½ everywhere (all logits 0): L_D = 2 log 2, L_G non-sat = log 2, L_G minimax = -log 2"""
    got = student.gan_losses(np.zeros(int(rng.integers(1, 8))), np.zeros(int(rng.integers(1, 8))))
    expect.close(got, (2 * LOG2, LOG2, -LOG2))


def test_values(student, ref, rng):
    """moderate logits: 6 real and 4 fake samples"""
    r, f = 3 * rng.standard_normal(6), 3 * rng.standard_normal(4)
    expect.close(student.gan_losses(r, f), ref.gan_losses(r, f))


def test_generator_identity(student, ref, rng):
    """L_G non-saturating + L_G minimax = -mean(fake logits)"""
    r, f = 2 * rng.standard_normal(5), 2 * rng.standard_normal(7)
    got = _losses(student, r, f)
    _, ns, mm = got
    expect.close(ns + mm, -float(np.mean(f)), names="L_G non-saturating + L_G minimax (must be -mean(f), since softplus(-a) - softplus(a) = -a)")
    expect.close(got, ref.gan_losses(r, f))  # (·, -mean(f), 0) satisfies the identity too


def test_extreme_logits(student, ref, rng):
    """logits of exactly ±800 (exp overflows beyond 709.78) among moderate ones, under np.errstate(all="raise"): a confident and a fooled discriminator"""
    r = _extreme(rng, 4, [2.0, 30.0])
    f = _extreme(rng, 3, [-1.5])
    expect.close(_stable_call(student, r, f), ref.gan_losses(r, f))


def test_separate_means(student, rng):
    """the two means of L_D are taken separately (M_r real logits a, M_f ≠ M_r fake logits b)"""
    mr, mf = (int(v) for v in rng.choice(np.arange(1, 8), 2, replace=False))
    a, b = float(rng.uniform(-3, 3)), float(rng.uniform(-3, 3))
    got = _losses(student, np.full(mr, a), np.full(mf, b))
    want = float(np.logaddexp(0.0, -a) + np.logaddexp(0.0, b))
    expect.close(got[0], want, names=f"L_D (must be mean softplus(-r) + mean softplus(f) = softplus({-a:.4g}) + softplus({b:.4g}), whatever M_r = {mr} and M_f = {mf})")


@mark.hidden
@mark.weight(2)
@mark.parametrize("sizes", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_hidden_extreme(student, ref, rng, sizes):
    """M = 1 and M = 2 samples: logits of exactly ±800, then near ±750, under np.errstate(all="raise")"""
    mr, mf = sizes
    r, f = _extreme(rng, mr, [0.0]), _extreme(rng, mf, [0.0])
    expect.close(_stable_call(student, r, f), ref.gan_losses(r, f))
    r = rng.choice([-800.0, 800.0, 750.0, -720.0], mr) + rng.standard_normal(mr)
    f = rng.choice([-800.0, 800.0, -750.0, 720.0], mf) + rng.standard_normal(mf)
    expect.close(_stable_call(student, r, f), ref.gan_losses(r, f))


@mark.hidden
@mark.parametrize("trial", range(2))
def test_hidden_random(student, ref, rng, trial):
    """random lengths M_r ≠ M_f and logit scales up to 10³"""
    mr, mf = (int(v) for v in rng.choice(np.arange(1, 12), 2, replace=False))
    scale = float(10 ** rng.uniform(0, 3))
    r, f = scale * rng.standard_normal(mr), scale * rng.standard_normal(mf)
    expect.close(_stable_call(student, r, f), ref.gan_losses(r, f))
