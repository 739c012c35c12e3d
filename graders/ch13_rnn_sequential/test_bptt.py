"""Grader for ch13.bptt: gradients against the reference (full and truncated),
directional derivatives of Λ (built from your own rnn_forward) by finite
differences, and identities that truncated BPTT must satisfy."""


from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import hidden_rnn_shape
from ._oracles import KEYS, bptt_case, directional_check, gradient_template


def test_full_small(student, ref, rng):
    """full BPTT, T=5, B=3, d_x=2, d_h=4, d_o=3, against the reference"""
    args = bptt_case(rng, 5, 3, 2, 4, 3)
    expect.close(student.bptt(*args), ref.bptt(*args))


def test_full_matches_finite_differences(student, ref, rng, tol):
    """full BPTT: directional derivatives of Λ by finite differences"""
    directional_check(student, ref, rng, bptt_case(rng, 4, 2, 3, 5, 2), tol.fd["rel"])


def test_truncated_small(student, ref, rng):
    """truncated BPTT against the reference: τ=2 and τ=3 on T=7 (last chunk shorter), τ=1 (every step cut), τ=3 on T=6 (τ divides T)"""
    args = bptt_case(rng, 7, 2, 3, 4, 2)
    for tau in (2, 3, 1):
        expect.close(student.bptt(*args, tbptt_chunk=tau), ref.bptt(*args, tbptt_chunk=tau))
    args = bptt_case(rng, 6, 3, 2, 3, 2)
    expect.close(student.bptt(*args, tbptt_chunk=3), ref.bptt(*args, tbptt_chunk=3))


def test_truncation_identities(student, ref, rng, tol):
    """τ ≥ T is full BPTT, and truncation never changes ∂Λ/∂W_oh, ∂Λ/∂b_o"""
    args = bptt_case(rng, 6, 2, 3, 4, 2)
    template = gradient_template(args)
    full = expect.like(student.bptt(*args), template)
    expect.close(full, ref.bptt(*args))  # zero gradients satisfy every identity below
    for tau in (6, 9):
        got = expect.like(student.bptt(*args, tbptt_chunk=tau), template)
        for key in KEYS:
            expect.close(got[key], full[key], tol.identity, names=f"∂Λ/∂{key} with tbptt_chunk={tau} ≥ T = 6 (must equal full BPTT)")
    got = expect.like(student.bptt(*args, tbptt_chunk=2), template)
    for key in ("W_oh", "b_o"):
        expect.close(
            got[key], full[key], tol.identity,
            names=f"∂Λ/∂{key} with tbptt_chunk=2 (must equal full BPTT: the forward values, hence o_t, are unchanged)",
        )


def test_h0_first_chunk_only(student, ref, rng, tol):
    """h_0 gets gradient only from the first chunk: (τ/T) × the full gradient on X[:τ]"""
    args = bptt_case(rng, 7, 3, 2, 4, 3)
    tau, T = 3, 7
    cut = student.bptt(*args, tbptt_chunk=tau)
    expect.close(cut, ref.bptt(*args, tbptt_chunk=tau))  # zero gradients satisfy the identity too
    head = [args[0][:tau], args[1][:tau], *args[2:]]
    short = expect.like(student.bptt(*head), gradient_template(args))
    expect.close(
        cut["h0"], (tau / T) * short["h0"], tol.identity,
        names="∂Λ/∂h0 with tbptt_chunk=3, T=7, compared with (3/7) × ∂Λ/∂h0 of full BPTT on the first 3 steps",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_shapes(student, ref, rng, trial):
    """random shapes (T ≠ B, B = 1 or 2, pairwise-distinct sizes), full and truncated"""
    T, B, dx, dh, do = hidden_rnn_shape(rng)
    args = bptt_case(rng, T, B, dx, dh, do, scale=float(rng.uniform(0.6, 1.8)))
    expect.close(student.bptt(*args), ref.bptt(*args))
    tau = int(rng.integers(1, T))
    expect.close(student.bptt(*args, tbptt_chunk=tau), ref.bptt(*args, tbptt_chunk=tau))


@mark.hidden
def test_hidden_every_step_cut(student, ref, rng):
    """τ = 1: every step its own chunk"""
    args = bptt_case(rng, 5, 2, 4, 3, 1)
    expect.close(student.bptt(*args, tbptt_chunk=1), ref.bptt(*args, tbptt_chunk=1))


@mark.hidden
def test_hidden_finite_differences(student, ref, rng, tol):
    """full BPTT on a random shape: directional derivatives of Λ"""
    T, B, dx, dh, do = hidden_rnn_shape(rng)
    directional_check(student, ref, rng, bptt_case(rng, T, B, dx, dh, do), tol.fd["rel"])
