"""Grader for ch13.lstm_forward: values against the reference, the gate layout
checked by a closed form (constant gates when all weights are zero), the
restart property of the recurrence, and saturated gates (no overflow, no NaN)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import distinct


def _case(rng, T, B, D, n, scale=1.5):
    return [
        rng.standard_normal((T, B, D)),
        0.5 * rng.standard_normal((B, n)),
        rng.standard_normal((B, n)),
        scale * rng.standard_normal((4 * n, D)) / np.sqrt(D),
        scale * rng.standard_normal((4 * n, n)) / np.sqrt(n),
        0.5 * rng.standard_normal(4 * n),
        0.5 * rng.standard_normal(4 * n),
    ]


def _like(out, T, B, n):
    return expect.like(out, (np.zeros((T, B, n)), np.zeros((B, n)), np.zeros((B, n))))


def test_small(student, ref, rng):
    """T=4, B=2, D=3, H=5 against the reference"""
    args = _case(rng, 4, 2, 3, 5)
    expect.close(student.lstm_forward(*args), ref.lstm_forward(*args))


def test_constant_gates(student, rng):
    """zero weights: constant gates, c_t = f^t c_0 + (1 - f^t)/(1 - f) i g (closed form)"""
    T, B, D, n = 6, 2, 3, 4
    X = rng.standard_normal((T, B, D))
    h0, c0 = rng.standard_normal((B, n)), rng.standard_normal((B, n))
    blocks = [rng.uniform(-2, 2, n) for _ in range(4)]  # pre-activations of i, f, g, o
    b = np.concatenate(blocks)
    split = rng.standard_normal(4 * n)  # both biases are needed to get b
    b_ih, b_hh = 0.5 * b + split, 0.5 * b - split
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731 (moderate z only)
    i, f, g, o = sig(blocks[0]), sig(blocks[1]), np.tanh(blocks[2]), sig(blocks[3])
    t = np.arange(1, T + 1)[:, None, None]
    c = f**t * c0 + (1 - f**t) / (1 - f) * i * g
    want = (o * np.tanh(c), o * np.tanh(c[-1]), c[-1])
    got = student.lstm_forward(X, h0, c0, np.zeros((4 * n, D)), np.zeros((4 * n, n)), b_ih, b_hh)
    expect.close(
        got, want,
        names=[
            "H_seq with zero weights (gates σ(b_i), σ(b_f), tanh(b_g), σ(b_o) from the bias blocks in the order i, f, g, o; b = b_ih + b_hh)",
            "h_T with zero weights", "c_T with zero weights",
        ],
    )


def test_restart(student, ref, rng):
    """running X[:3] and then X[3:] from (h_3, c_3) equals one run; h_T is H_seq[-1]"""
    T, B, D, n = 5, 3, 2, 4
    args = _case(rng, T, B, D, n)
    X, h0, c0, *w = args
    H, hT, cT = _like(student.lstm_forward(*args), T, B, n)
    expect.close((H, hT, cT), ref.lstm_forward(*args))  # a constant output restarts perfectly too
    expect.close(hT, H[-1], expect.Tol(1e-12, 1e-12), names="h_T compared with your H_seq[-1]")
    H1, h3, c3 = _like(student.lstm_forward(X[:3], h0, c0, *w), 3, B, n)
    H2, hT2, cT2 = _like(student.lstm_forward(X[3:], h3, c3, *w), 2, B, n)
    expect.close(
        (np.concatenate([H1, H2]), hT2, cT2), (H, hT, cT), expect.Tol(1e-12, 1e-12),
        names=["H_seq from two runs (X[:3], then X[3:] from your (h_3, c_3))", "h_T from two runs", "c_T from two runs"],
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_shapes(student, ref, rng, trial):
    """random shapes: T ≠ B, B in {1, 2, ...}, D ≠ H"""
    B = int(rng.choice([1, 2, 3]))
    T = int(rng.choice([t for t in range(1, 8) if t != B]))
    D, n = distinct(rng, 2, 1, 7)
    args = _case(rng, T, B, D, n, scale=float(rng.uniform(0.5, 3.0)))
    expect.close(student.lstm_forward(*args), ref.lstm_forward(*args))


@mark.hidden
def test_hidden_saturated_gates(student, ref, rng):
    """saturated gates: pre-activations beyond ±709, under np.errstate(all="raise") (σ must not overflow)"""
    args = _case(rng, 4, 2, 3, 5)
    args[3] = 600.0 * args[3]
    got = expect.without_overflow(
        student, "lstm_forward", *args, what="H_seq = (h_1, ..., h_T)",
        advice="only ever exponentiate -|z|: σ(z) = 1/(1 + e^{-|z|}) for z ≥ 0 and e^{-|z|}/(1 + e^{-|z|}) for z < 0, or ½(1 + tanh(z/2))",
    )
    expect.close(got, ref.lstm_forward(*args))


def test_saturated_gates(student, ref, rng):
    """saturated gates, pre-activations beyond ±709: σ must not overflow, under np.errstate(all="raise") (the hidden cases draw other ones)"""
    test_hidden_saturated_gates(student, ref, rng)
