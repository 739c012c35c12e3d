"""Grader for ch13.rnn_forward: values against the reference, the orientation of
W_hh and W_hx probed with unit vectors (a closed form), the readout O = H W_ohᵀ + b_o,
and the restart property of a recurrence (run in two pieces = run at once)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import hidden_rnn_shape, rnn_case, rnn_params


def _like(student_out, T, B, dh, do):
    return expect.like(student_out, (np.zeros((T, B, dh)), np.zeros((T, B, do))))


def _restart(student, ref, args, k, tol):
    """Run on X[:k], then continue from its last state on X[k:]: must equal one run (which must be right:
    a constant output restarts perfectly too)."""
    X, h0, *theta = args
    T, B, _ = X.shape
    dh, do = theta[1].shape[0], theta[3].shape[0]
    H, O = _like(student.rnn_forward(X, h0, *theta), T, B, dh, do)
    expect.close((H, O), ref.rnn_forward(X, h0, *theta))
    H1, O1 = _like(student.rnn_forward(X[:k], h0, *theta), k, B, dh, do)
    H2, O2 = _like(student.rnn_forward(X[k:], H1[-1], *theta), T - k, B, dh, do)
    expect.close(
        (np.concatenate([H1, H2]), np.concatenate([O1, O2])), (H, O), tol,
        names=[f"H from two runs (X[:{k}], then X[{k}:] from your H[-1])", f"O from two runs (split at t = {k})"],
    )


def test_small(student, ref, rng):
    """T=4, B=3, d_x=2, d_h=5, d_o=3 against the reference"""
    args = rnn_case(rng, 4, 3, 2, 5, 3)
    expect.close(student.rnn_forward(*args), ref.rnn_forward(*args))


def test_orientation_probes(student, rng):
    """unit-vector probes: h_1 = tanh(W_hh e_j) and tanh(W_hx e_k + b_h) (closed form)"""
    dx, dh, do = 3, 4, 2
    W_hx, W_hh, b_h, W_oh, b_o = rnn_params(rng, dx, dh, do, scale=1.5)
    # batch row j starts from h_0 = e_j with no input and no bias: h_1 = tanh(column j of W_hh)
    X = np.zeros((1, dh, dx))
    H, _ = _like(student.rnn_forward(X, np.eye(dh), W_hx, W_hh, np.zeros(dh), W_oh, b_o), 1, dh, dh, do)
    expect.close(H[0], np.tanh(W_hh.T), names="h_1 for h_0 = e_j (row j must be tanh of COLUMN j of W_hh)")
    # batch row k reads x_1 = e_k from h_0 = 0: h_1 = tanh(column k of W_hx + b_h)
    X = np.eye(dx)[None]
    H, _ = _like(student.rnn_forward(X, np.zeros((dx, dh)), W_hx, W_hh, b_h, W_oh, b_o), 1, dx, dh, do)
    expect.close(H[0], np.tanh(W_hx.T + b_h), names="h_1 for x_1 = e_k, h_0 = 0 (row k must be tanh(W_hx e_k + b_h))")


def test_readout(student, ref, rng):
    """the outputs are the readout of your states: O[t] = H[t] W_ohᵀ + b_o; H[0] is h_1, not h_0"""
    args = rnn_case(rng, 3, 2, 4, 3, 5)
    H, O = _like(student.rnn_forward(*args), 3, 2, 3, 5)
    W_oh, b_o = args[5], args[6]
    expect.close(O, H @ W_oh.T + b_o, names="O compared with H @ W_oh.T + b_o")
    h0 = args[1]
    expect.that(
        not np.allclose(H[0], h0), "H[0] must be h_1, the state AFTER the first step (h_0 is not part of H)",
        quantity="H", detail="your H[0] equals h0",
    )
    expect.close(H, ref.rnn_forward(*args)[0], names="H = (h_1, ..., h_T)")


def test_restart(student, ref, rng):
    """running on X[:2] and then X[2:] from the last state equals one run on X"""
    _restart(student, ref, rnn_case(rng, 5, 2, 3, 4, 2), 2, expect.Tol(1e-12, 1e-12))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_shapes(student, ref, rng, trial):
    """random shapes: T ≠ B, B in {1, 2, ...}, d_x, d_h, d_o pairwise distinct"""
    T, B, dx, dh, do = hidden_rnn_shape(rng)
    args = rnn_case(rng, T, B, dx, dh, do, scale=float(rng.uniform(0.5, 2.0)))
    expect.close(student.rnn_forward(*args), ref.rnn_forward(*args))
    _restart(student, ref, args, int(rng.integers(1, T)), expect.Tol(1e-12, 1e-12))


@mark.hidden
def test_hidden_saturated(student, ref, rng):
    """saturated units: pre-activations of several hundred (tanh must not overflow, under np.errstate(all="raise"))"""
    args = list(rnn_case(rng, 4, 2, 3, 5, 1))
    args[0] = 300.0 * args[0]
    got = expect.without_overflow(student, "rnn_forward", *args, what="H = (h_1, ..., h_T)", advice="use np.tanh: (e^{2a} - 1)/(e^{2a} + 1) overflows for a > 355")
    expect.close(got, ref.rnn_forward(*args))


def test_saturated(student, ref, rng):
    """saturated units, pre-activations of several hundred: tanh must not overflow, under np.errstate(all="raise") (the hidden cases draw other ones)"""
    test_hidden_saturated(student, ref, rng)
