"""Grader for ch03.sigmoid_logloss: values against the reference (relative
accuracy in the tails), identities of the loss that hold for any correct
formula (each paired with a value check), and the extreme logits exactly ±800,
in public and hidden cases, under np.errstate(all="raise")."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import strict_call

EXTREME = np.array([-800.0, -40.0, -1e-8, 0.0, 1e-8, 40.0, 800.0])


def extremes(rng, n_random: int, high: float) -> np.ndarray:
    """The pinned logits (exactly ±800, ±40, ±1e-8 and 0) with n_random others of size up to
    `high`, in an order drawn from rng."""
    z = np.concatenate([EXTREME, rng.choice([-1.0, 1.0], n_random) * rng.uniform(1.0, high, n_random)])
    return z[rng.permutation(z.size)]


def test_sigmoid_values(student, ref, rng):
    """σ(z) on moderate logits in [-8, 8]"""
    z = np.sort(rng.uniform(-8, 8, 9))
    expect.close(student.sigmoid(z), ref.sigmoid(z))


def test_sigmoid_symmetry(student, rng):
    """σ(0) = 1/2, σ(-z) = 1 - σ(z) (an identity), and σ(z) = 1/(1 + e^{-z}) for z in [0, 6]"""
    z = rng.uniform(0.0, 6.0, 8)
    z[0] = 0.0
    pos = expect.like(student.sigmoid(z), z)
    neg = expect.like(student.sigmoid(-z), z)
    expect.close(pos[0], 0.5, names="σ(0)")
    expect.close(pos, 1.0 / (1.0 + np.exp(-z)), names="σ(z) for z in [0, 6] (should be 1/(1 + e^{-z}))")
    expect.close(pos + neg, np.ones_like(z), expect.Tol(0.0, 1e-15), names="σ(z) + σ(-z)")


def test_sigmoid_tails(student, ref, rng):
    """z = ±800, ±40, ±1e-8, 0 and others up to 800, np.errstate(all="raise"): σ(-40) ≈ 4.25e-18 to full relative accuracy"""
    z = extremes(rng, 5, 800.0)
    got = strict_call(student, "sigmoid", z, what="σ(z)", advice="sigmoid")
    expect.close(got, ref.sigmoid(z))


def test_sigmoid_any_shape(student, ref, rng):
    """a (2, 3, 4) array keeps its shape"""
    z = rng.uniform(-30, 30, (2, 3, 4))
    expect.close(student.sigmoid(z), ref.sigmoid(z))


def test_loss_values(student, ref, rng, tol):
    """ℓ_y(σ(z)) for 10 logits in [-6, 6] and labels in {0, 1}"""
    z = rng.uniform(-6, 6, 10)
    y = rng.integers(0, 2, 10)
    expect.close(student.logistic_loss(z, y), ref.logistic_loss(z, y), tol.loss)


def test_loss_identities(student, rng, tol):
    """ℓ₀(z) - ℓ₁(z) = z and ℓ₀(z) = ℓ₁(-z) (labels are 0/1, not ±1), ℓ_y(0) = log 2"""
    z = rng.uniform(-5, 5, 8)
    z[0] = 0.0
    zeros, ones = np.zeros(8, dtype=np.int64), np.ones(8, dtype=np.int64)
    l0 = expect.like(student.logistic_loss(z, zeros), z)
    l1 = expect.like(student.logistic_loss(z, ones), z)
    l1m = expect.like(student.logistic_loss(-z, ones), z)
    expect.close(np.array([l0[0], l1[0]]), np.full(2, np.log(2.0)), tol.loss, names="ℓ₀(0) and ℓ₁(0) (both log 2: σ(0) = 1/2)")
    expect.close(l0 - l1, z, tol.loss, names="ℓ₀(z) - ℓ₁(z) (must equal z)")
    expect.close(l0, l1m, tol.loss, names="ℓ₀(z) vs ℓ₁(-z) (must be equal)")


def test_loss_limits(student, ref, rng, tol):
    """the limits of Fig. 3.5 at z = ±40 and ±800 with both labels, np.errstate(all="raise"): finite, ℓ ≈ |z| on the wrong side"""
    z = np.concatenate([EXTREME, EXTREME, rng.uniform(-800, 800, 4)])
    y = np.concatenate([np.zeros(EXTREME.size, np.int64), np.ones(EXTREME.size, np.int64), rng.integers(0, 2, 4)])
    order = rng.permutation(z.size)
    z, y = z[order], y[order]
    got = strict_call(student, "logistic_loss", z, y, what="ℓ_y(σ(z))", advice="softplus")
    expect.close(got, ref.logistic_loss(z, y), tol.loss)


@mark.hidden
@mark.weight(2)
def test_hidden_extremes(student, ref, rng, tol):
    """random logits with |z| up to 800 and the pinned ±800, shuffled, both functions, np.errstate(all="raise")"""
    z = np.concatenate([extremes(rng, 20, 800.0), rng.uniform(-45, 45, 20)])
    y = rng.integers(0, 2, z.size)
    s = strict_call(student, "sigmoid", z, what="σ(z)", advice="sigmoid")
    loss = strict_call(student, "logistic_loss", z, y, what="ℓ_y(σ(z))", advice="softplus")
    expect.close(s, ref.sigmoid(z))
    expect.close(loss, ref.logistic_loss(z, y), tol.loss)


@mark.hidden
@mark.parametrize("M", [1, 2, 13])
def test_hidden_sizes(student, ref, rng, tol, M):
    """M = 1, 2 and 13 samples with y of shape (M,)"""
    z = rng.uniform(-50, 50, M)
    y = rng.integers(0, 2, M)
    expect.close(student.logistic_loss(z, y), ref.logistic_loss(z, y), tol.loss)
    zz = rng.uniform(-50, 50, (M, 3))
    expect.close(student.sigmoid(zz), ref.sigmoid(zz))
