"""Grader for ch13.self_attention: values against the reference; permutation
equivariance Z(XP) = Z(X)P; invariance under adding a constant to all scores of
one query (the softmax runs over the keys); causality (a query never sees a later
key, the first output is v_1); and scores of ±800 under np.errstate(all="raise")."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._data import distinct


def _weights(rng, d, dk, dv):
    return rng.standard_normal((dk, d)), rng.standard_normal((dk, d)), rng.standard_normal((dv, d))


def _with_column_shift(X, W_Q, W_K, W_V, shift):
    """Add shift[j] to every score of query j, through two extra features.

    Token j gets the features 1 and shift[j]·√(d_k+1); an extra key coordinate
    reads the 1, an extra query coordinate reads the second one, so
    S'_ij = (k_i·q_j + shift[j]·√(d_k+1)) / √(d_k+1) = k_i·q_j / √(d_k+1) + shift[j].
    The values ignore both features.
    """
    d, n = X.shape
    dk, dv = W_Q.shape[0], W_V.shape[0]
    root = np.sqrt(dk + 1)
    Xs = np.vstack([X, np.ones(n), shift * root])
    W_Qs = np.zeros((dk + 1, d + 2))
    W_Qs[:dk, :d], W_Qs[dk, d + 1] = W_Q, 1.0
    W_Ks = np.zeros((dk + 1, d + 2))
    W_Ks[:dk, :d], W_Ks[dk, d] = W_K, 1.0
    W_Vs = np.hstack([W_V, np.zeros((dv, 2))])
    return Xs, W_Qs, W_Ks, W_Vs


def test_small(student, ref, rng):
    """d=4, n=5, d_k=3, d_v=2, no mask, against the reference"""
    X = rng.standard_normal((4, 5))
    W = _weights(rng, 4, 3, 2)
    expect.close(student.self_attention(X, *W), ref.self_attention(X, *W))


def test_causal_small(student, ref, rng):
    """causal, d=3, n=6, d_k=2, d_v=4, against the reference"""
    X = rng.standard_normal((3, 6))
    W = _weights(rng, 3, 2, 4)
    expect.close(student.self_attention(X, *W, causal=True), ref.self_attention(X, *W, causal=True))


def test_single_token(student, rng):
    """n = 1: the only key gets weight 1, so Z = v_1 = W_V x_1, with and without the mask"""
    X = rng.standard_normal((3, 1))
    W = _weights(rng, 3, 2, 4)
    for causal in (False, True):
        expect.close(student.self_attention(X, *W, causal=causal), W[2] @ X, names=f"Z for a single token (causal={causal}: must be W_V x_1)")


def test_permutation_equivariance(student, ref, rng, tol):
    """Z(XP) = Z(X)P for a random permutation matrix P (no mask)"""
    n = 6
    X = rng.standard_normal((4, n))
    W = _weights(rng, 4, 3, 2)
    perm = rng.permutation(n)
    P = np.eye(n)[:, perm]  # X @ P reorders the tokens: column j of XP is token perm[j]
    Z = student.self_attention(X, *W)
    expect.close(Z, ref.self_attention(X, *W))  # Z = 0 (or Z = V) is equivariant too
    ZP = student.self_attention(X @ P, *W)
    expect.close(ZP, Z @ P, tol.identity, names=f"Z(XP) compared with Z(X)P (tokens reordered as {perm.tolist()})")


def test_softmax_over_keys(student, ref, rng, tol):
    """adding a constant to all scores of one query (a column of S) changes nothing"""
    d, n, dk, dv = 3, 5, 2, 3
    X = rng.standard_normal((d, n))
    W = _weights(rng, d, dk, dv)
    shift = 3.0 * rng.standard_normal(n)
    args = _with_column_shift(X, *W, np.zeros(n))
    base = student.self_attention(*args)
    expect.close(base, ref.self_attention(*args))  # Z = 0 ignores the shift too
    shifted = student.self_attention(*_with_column_shift(X, *W, shift))
    expect.close(
        shifted, base, tol.identity,
        names="Z with c_j added to every score S_ij of query j (a softmax over the keys, down each column, ignores it)",
    )


def test_causality(student, ref, rng, tol):
    """causal: output j ignores tokens after j, and the first output is v_1 = W_V x_1"""
    d, n, dk, dv = 4, 5, 3, 2
    X = rng.standard_normal((d, n))
    W = _weights(rng, d, dk, dv)
    Z = student.self_attention(X, *W, causal=True)
    expect.close(Z, ref.self_attention(X, *W, causal=True))  # Z = V = W_V X passes both properties below
    expect.close(Z[:, 0], W[2] @ X[:, 0], tol.identity, names="causal Z[:, 0] (query 1 sees only key 1: it must be v_1 = W_V x_1)")
    Xf = X.copy()
    Xf[:, 3:] = rng.standard_normal((d, n - 3))
    Zf = expect.like(student.self_attention(Xf, *W, causal=True), np.zeros((dv, n)))
    expect.close(Zf[:, :3], Z[:, :3], tol.identity, names="causal Z[:, :3] after changing only tokens 4 and 5 (must not change: no query sees a later key)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_shapes(student, ref, rng, trial):
    """random shapes (d, d_k, d_v pairwise distinct; n = 1, 2 or more), with and without mask"""
    d, dk, dv = distinct(rng, 3, 1, 7)
    n = int(rng.choice([1, 2, 3, 7, 9]))
    X = 1.5 * rng.standard_normal((d, n))
    W = _weights(rng, d, dk, dv)
    causal = bool(trial % 2)
    expect.close(student.self_attention(X, *W, causal=causal), ref.self_attention(X, *W, causal=causal))


def _huge_scores(rng):
    """scores ≈ +800 for some queries and ≈ -800 for others, spread of a few units per column"""
    d, n, dk, dv = 3, 6, 4, 2
    X = rng.standard_normal((d, n))
    W = _weights(rng, d, dk, dv)
    sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    return _with_column_shift(X, *W, 800.0 * sign)


ADVICE = "subtract each COLUMN's maximum score before np.exp: exp(800) overflows, and one maximum for all queries sends the columns near -800 to exp(-1600) = 0 and 0/0"


def _huge(student, ref, rng, causal):
    args = _huge_scores(rng)
    got = expect.without_overflow(student, "self_attention", *args, causal, what="Z(X)", advice=ADVICE)
    expect.close(got, ref.self_attention(*args, causal=causal))


@mark.hidden
@mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_hidden_huge_scores(student, ref, rng, causal):
    """scores near +800 for some queries and -800 for others, under np.errstate(all="raise"): a max shift per column"""
    _huge(student, ref, rng, causal)


@mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_huge_scores(student, ref, rng, causal):
    """scores near +800 for some queries and -800 for others, under np.errstate(all="raise"): a max shift per column (the hidden cases draw other ones)"""
    _huge(student, ref, rng, causal)
