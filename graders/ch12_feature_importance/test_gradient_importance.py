"""Grader for ch12.gradient_importance: values against the reference; the
linear model's closed form S = |w|; central differences of the network's
output computed here (an oracle independent of the δ recursion); and two
properties on the student's own outputs (normalisation, rescaling a feature)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import fd_input_gradients, hidden_sizes, network


def test_linear_model(student, rng):
    """one layer m(x) = x·w + b: S = |w|, and |w| / Σ|w| when normalised"""
    w = rng.standard_normal((4, 1))
    X = rng.standard_normal((6, 4))
    b = np.array([0.3])
    expect.close(student.gradient_importance(X, [w], [b], "tanh", 0, False), np.abs(w[:, 0]))
    expect.close(student.gradient_importance(X, [w], [b], "tanh", 0, True), np.abs(w[:, 0]) / np.abs(w).sum())


def test_small_tanh_net(student, ref, rng):
    """tanh net 4→6→3, output 1, M = 5, not normalised"""
    Ws, bs = network(rng, [4, 6, 3])
    X = rng.standard_normal((5, 4))
    expect.close(student.gradient_importance(X, Ws, bs, "tanh", 1, False), ref.gradient_importance(X, Ws, bs, "tanh", 1, False))


def test_finite_differences(student, rng, tol):
    """sigmoid net 5→7→3→2, output 1: S against central differences of the network output"""
    Ws, bs = network(rng, [5, 7, 3, 2], scale=2.0)
    X = rng.standard_normal((8, 5))
    fd = np.abs(fd_input_gradients(X, Ws, bs, "sigmoid", 1)).mean(axis=0)
    expect.close(student.gradient_importance(X, Ws, bs, "sigmoid", 1, False), fd, tol.fd, names="S against finite differences of m_o")


def test_other_activations(student, ref, rng):
    """ReLU and identity hidden layers, a single sample (M = 1) and a batch, normalised and not"""
    Ws, bs = network(rng, [4, 5, 3, 2])
    cases = []
    for activation in ("relu", "identity"):
        for M, normalize in ((1, False), (6, True)):
            cases.append((rng.standard_normal((M, 4)), Ws, bs, activation, 1, normalize))
    for got, case in zip(student.gradient_importance.many(cases), cases):  # one round trip
        expect.close(got, ref.gradient_importance(*case))


def test_normalized(student, ref, rng, tol):
    """normalize=True returns S / Σ S of the unnormalised S (it sums to 1)"""
    Ws, bs = network(rng, [3, 5, 2])
    X = rng.standard_normal((7, 3))
    raw, got = student.gradient_importance.many([(X, Ws, bs, "tanh", 0, False), (X, Ws, bs, "tanh", 0, True)])  # one round trip
    expect.close(raw, ref.gradient_importance(X, Ws, bs, "tanh", 0, False))  # any S / Σ S sums to 1: the S must be right
    expect.close(got, raw / raw.sum(), names="normalised S")


def test_rescaled_feature(student, ref, rng):
    """scaling input i by c and row i of W¹ by 1/c leaves the network unchanged and divides S_i by c"""
    Ws, bs = network(rng, [3, 4, 2])
    X = rng.standard_normal((6, 3))
    c = rng.permutation([1.0, 4.0, 0.25])
    Ws2 = [Ws[0] / c[:, None], Ws[1]]
    S, S2 = student.gradient_importance.many([(X, Ws, bs, "tanh", 0, False), (X * c, Ws2, bs, "tanh", 0, False)])  # one round trip
    expect.close(S, ref.gradient_importance(X, Ws, bs, "tanh", 0, False))  # S = 0 is rescaled to 0 too
    expect.close(S2, S / c, names="S after rescaling the inputs (should be S / c)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random depth and pairwise-distinct widths, M = 1, 2 or more, every activation"""
    sizes = hidden_sizes(rng)
    M = [1, 2, int(rng.integers(3, 30)), int(rng.integers(3, 30))][trial]
    activation = ["tanh", "relu", "sigmoid", "identity"][trial]
    Ws, bs = network(rng, sizes)
    X = rng.standard_normal((M, sizes[0]))
    o = int(rng.integers(sizes[-1]))
    normalize = bool(trial % 2)
    expect.close(student.gradient_importance(X, Ws, bs, activation, o, normalize), ref.gradient_importance(X, Ws, bs, activation, o, normalize))


@mark.hidden
def test_hidden_finite_differences(student, rng, tol):
    """a deeper tanh net 6→8→5→3→4 against central differences, last output"""
    Ws, bs = network(rng, [6, 8, 5, 3, 4], scale=1.5)
    X = rng.standard_normal((9, 6))
    fd = np.abs(fd_input_gradients(X, Ws, bs, "tanh", 3)).mean(axis=0)
    expect.close(student.gradient_importance(X, Ws, bs, "tanh", 3, False), fd, tol.fd)


@mark.hidden
def test_hidden_saturated_sigmoid(student, ref, rng):
    """saturated sigmoid units, pre-activations about ±800: no overflow under np.errstate(all="raise")"""
    Ws, bs = network(rng, [3, 5, 2])
    bs[0] = bs[0] + 800.0 * np.sign(rng.standard_normal(5))
    bs[0][0] = 0.0  # one live unit so that Σ S > 0
    X = rng.standard_normal((4, 3))
    got = expect.without_overflow(
        student, "gradient_importance", X, Ws, bs, "sigmoid", 1, True, what="importance S",
        advice="compute σ and σ' without exp of a large positive number (the provided activate does: exp(-|z|) only)",
    )
    expect.close(got, ref.gradient_importance(X, Ws, bs, "sigmoid", 1, True))


def test_saturated_sigmoid(student, ref, rng):
    """saturated sigmoid units, pre-activations about ±800: no overflow under np.errstate(all="raise") (the hidden cases draw other networks)"""
    test_hidden_saturated_sigmoid(student, ref, rng)
