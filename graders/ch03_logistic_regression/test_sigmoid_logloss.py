"""Grader for ch03.sigmoid_logloss: values against the reference (relative
accuracy in the tails), identities of the loss that hold for any correct
formula, and the extreme logits ±800 with numpy's floating-point warnings on."""

import numpy as np
import pytest

from mathdl_cli.grading import expect

from ._helpers import fp_clean

EXTREME = np.array([-800.0, -40.0, -1e-8, 0.0, 1e-8, 40.0, 800.0])


def test_sigmoid_values(student, ref, rng):
    """σ(z) on moderate logits in [-8, 8]"""
    z = np.sort(rng.uniform(-8, 8, 9))
    expect.close(student.sigmoid(z), ref.sigmoid(z))


def test_sigmoid_symmetry(student, rng):
    """σ(0) = 1/2 and σ(-z) = 1 - σ(z) (an identity, no reference needed)"""
    z = rng.uniform(0.0, 6.0, 8)
    z[0] = 0.0
    pos = expect.like(student.sigmoid(z), z)
    neg = expect.like(student.sigmoid(-z), z)
    expect.close(pos[0], 0.5, names="σ(0)")
    expect.close(pos + neg, np.ones_like(z), expect.Tol(0.0, 1e-15), names="σ(z) + σ(-z)")


def test_sigmoid_tails(student, ref):
    """z = -800, -40, ±1e-8, 0, 40, 800: no overflow, σ(-40) ≈ 4.25e-18 to full relative accuracy"""
    with fp_clean(student, "σ(z)"):
        got = student.sigmoid(EXTREME)
    expect.close(got, ref.sigmoid(EXTREME))


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
    """ℓ₀(z) - ℓ₁(z) = z and ℓ₀(z) = ℓ₁(-z): labels are 0/1, not ±1"""
    z = rng.uniform(-5, 5, 8)
    zeros, ones = np.zeros(8, dtype=np.int64), np.ones(8, dtype=np.int64)
    l0 = expect.like(student.logistic_loss(z, zeros), z)
    l1 = expect.like(student.logistic_loss(z, ones), z)
    l1m = expect.like(student.logistic_loss(-z, ones), z)
    expect.close(l0 - l1, z, tol.loss, names="ℓ₀(z) - ℓ₁(z) (must equal z)")
    expect.close(l0, l1m, tol.loss, names="ℓ₀(z) vs ℓ₁(-z) (must be equal)")


def test_loss_limits(student, ref, tol):
    """the limits of Fig. 3.5 at z = ±40 and ±800: finite, no overflow, ℓ ≈ |z| on the wrong side"""
    z = np.concatenate([EXTREME, EXTREME])
    y = np.repeat(np.array([0, 1], dtype=np.int64), EXTREME.size)
    with fp_clean(student, "ℓ_y(σ(z))"):
        got = student.logistic_loss(z, y)
    expect.close(got, ref.logistic_loss(z, y), tol.loss)


@pytest.mark.hidden
@pytest.mark.weight(2)
def test_hidden_extremes(student, ref, rng, tol):
    """random logits with |z| up to 800, shuffled, both functions, floating-point warnings on"""
    z = np.concatenate([EXTREME, rng.uniform(-800, 800, 20), rng.uniform(-45, 45, 20)])
    z = z[rng.permutation(z.size)]
    y = rng.integers(0, 2, z.size)
    with fp_clean(student, "σ(z) and ℓ_y(σ(z))"):
        s = student.sigmoid(z)
        loss = student.logistic_loss(z, y)
    expect.close(s, ref.sigmoid(z))
    expect.close(loss, ref.logistic_loss(z, y), tol.loss)


@pytest.mark.hidden
@pytest.mark.parametrize("M", [1, 2, 13])
def test_hidden_sizes(student, ref, rng, tol, M):
    """M = 1, 2 and 13 samples with y of shape (M,)"""
    z = rng.uniform(-50, 50, M)
    y = rng.integers(0, 2, M)
    expect.close(student.logistic_loss(z, y), ref.logistic_loss(z, y), tol.loss)
    zz = rng.uniform(-50, 50, (M, 3))
    expect.close(student.sigmoid(zz), ref.sigmoid(zz))
