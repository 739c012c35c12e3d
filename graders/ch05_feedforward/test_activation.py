"""Grader for ch05.activation: values against the reference, σ' against central
differences of the student's own σ, closed forms at 0, identities between the
activations, and no overflow at |z| = 800."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import NAMES, strict_call


@mark.parametrize("name", NAMES)
def test_values(student, ref, rng, name):
    """σ(z) and σ'(z) on a (2, 5) array with entries in [-6, 6] (one is exactly 0)"""
    z = np.append(rng.uniform(-6.0, 6.0, 9), 0.0).reshape(2, 5)
    expect.close(student.activate(z, name), ref.activate(z, name))


@mark.parametrize("name", NAMES)
def test_derivative_of_your_sigma(student, ref, rng, tol, name):
    """σ' is the derivative of your σ (central differences, away from the kink at 0), whose values are checked first"""
    z = rng.uniform(0.1, 4.0, 8) * rng.choice([-1.0, 1.0], 8)
    s, ds = expect.like(student.activate(z, name), (z, z))
    expect.close(s, ref.activate(z, name)[0], names=f"σ(z) for {name!r}")
    h = 1e-6 * np.maximum(1.0, np.abs(z))
    up, down = (expect.like(out, (z, z))[0] for out in student.activate.many([(z + h, name), (z - h, name)]))  # one round trip
    expect.gradient(ds, (up - down) / (2 * h), rel=tol.fd["rel"], quantity=f"σ'(z) for {name!r} against central differences of your σ")


def test_values_at_zero(student, rng):
    """closed forms at z = 0 exactly: σ = 1/2, σ' = 1/4; tanh' = 1; softplus = log 2; relu'(0) = 0; leaky_relu'(0) = slope (slope from the seed)"""
    z = np.zeros(int(rng.integers(1, 4)))
    slope = float(rng.uniform(0.05, 0.5))
    want = {
        "sigmoid": (0.5, 0.25),
        "tanh": (0.0, 1.0),
        "relu": (0.0, 0.0),
        "leaky_relu": (0.0, slope),
        "softplus": (np.log(2.0), 0.5),
        "identity": (0.0, 1.0),
    }
    outs = student.activate.many([(z, name, slope) for name in want])  # one round trip
    for got, (name, (s0, d0)) in zip(outs, want.items()):
        expect.close(got, (np.full_like(z, s0), np.full_like(z, d0)), names=[f"σ(0) for {name!r}", f"σ'(0) for {name!r} (the convention: relu'(0) = 0, leaky_relu'(0) = slope = {slope:.4g})"])


def test_leaky_slope(student, rng):
    """leaky_relu uses the slope it is given (slope = 0.3 here, not the default 0.01)"""
    z = np.append(rng.uniform(-3.0, 3.0, 7), [-1.0, 2.0])
    want = (np.where(z > 0, z, 0.3 * z), np.where(z > 0, 1.0, 0.3))
    expect.close(student.activate(z, "leaky_relu", 0.3), want)


def test_identities(student, ref, rng):
    """σ(-z) = 1 - σ(z), softplus(z) - softplus(-z) = z and softplus' = σ (with σ checked against values)"""
    z = rng.uniform(-20.0, 20.0, 12)
    at_z, at_minus_z, sp_z, sp_minus_z = student.activate.many([(z, "sigmoid"), (-z, "sigmoid"), (z, "softplus"), (-z, "softplus")])  # one round trip
    s, _ = expect.like(at_z, (z, z))
    expect.close(s, ref.activate(z, "sigmoid")[0], names="σ(z) for 'sigmoid'")
    s_neg, _ = at_minus_z
    expect.close(s_neg, 1.0 - s, names="σ(-z) (should equal 1 - σ(z))")
    sp, dsp = expect.like(sp_z, (z, z))
    sp_neg, _ = sp_minus_z
    expect.close(sp - sp_neg, z, expect.Tol(1e-12, 1e-11), names="softplus(z) - softplus(-z) (should equal z)")
    expect.close(dsp, s, names="softplus'(z) (should equal σ(z), the sigmoid)")


def test_unknown_name(student):
    """an unknown name ("swish") raises ValueError instead of returning something"""
    expect.raises(lambda: student.activate(np.zeros(3), "swish"), "ValueError", "an unknown name must raise ValueError", quantity="activate(z, 'swish')")


@mark.parametrize("name", ("sigmoid", "softplus", "tanh"))
def test_no_overflow(student, ref, rng, name):
    """z = ±800 exactly, ±50, 0 and others up to 800, under np.errstate(all="raise"): exact values, no overflow"""
    z = np.concatenate([[-800.0, -50.0, 0.0, 50.0, 800.0], rng.uniform(-800.0, 800.0, 3)])
    z = z[rng.permutation(z.size)]
    got = strict_call(student, "activate", z, name, what=f"σ(z) and σ'(z) for {name!r}")
    expect.close(got, ref.activate(z, name))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(2))
def test_hidden_extremes(student, ref, rng, trial):
    """every activation on a (3, 2, 4) array with |z| up to 1000, exactly ±800 and 0 included, no overflow"""
    z = rng.choice([-1.0, 1.0], (3, 2, 4)) * 10 ** rng.uniform(-3, 3, (3, 2, 4))
    z[0, 0, :3] = [-800.0, 800.0, 0.0]  # the pinned extremes, and the convention at exactly 0
    for name in NAMES:
        slope = float(rng.uniform(0.01, 0.5))
        got = strict_call(student, "activate", z, name, slope, what=f"σ(z) and σ'(z) for {name!r}")
        expect.close(got, ref.activate(z, name, slope))


@mark.hidden
@mark.parametrize("shape", [(1,), (4, 1), (2, 3, 2)])
def test_hidden_shapes(student, ref, rng, shape):
    """random shapes and names; σ' keeps the shape of z"""
    z = 3.0 * rng.standard_normal(shape)
    for got, name in zip(student.activate.many([(z, name) for name in NAMES]), NAMES):  # one round trip
        expect.close(got, ref.activate(z, name))
