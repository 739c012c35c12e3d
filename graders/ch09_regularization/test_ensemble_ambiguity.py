"""Grader for ch09.ensemble_ambiguity: a hand-computed example, values against
the reference, and the Krogh–Vedelsby identity E = Ē - Ā with Ā ≥ 0 checked
on the student's own numbers."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def _identity(student, preds, y, tol):
    E, E_bar, A_bar = expect.like(student.ensemble_decomposition(preds, y), (0.0, 0.0, 0.0))
    expect.that(
        abs(E - (E_bar - A_bar)) <= tol.identity.atol * max(1.0, E_bar),
        "E = Ē - Ā (Krogh–Vedelsby) must hold",
        quantity="(E, Ē, Ā)",
        detail=f"E = {E:.12g}, Ē - Ā = {E_bar - A_bar:.12g}, difference {E - (E_bar - A_bar):.3g}",
    )
    expect.that(A_bar >= 0.0, "the ambiguity Ā is an average of squares, so Ā ≥ 0", quantity="Ā (ambiguity)", detail=f"Ā = {A_bar:.6g}")
    return E, E_bar, A_bar


def test_hand_example(student, rng):
    """two members c-1, c, c+1 and c+1, c, c-1 for targets c, c, c: a perfect ensemble of imperfect members"""
    c = float(rng.integers(-5, 6))
    preds = c + np.array([[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]])
    y = np.full(3, c)
    # f̄ = (c, c, c) = y, so E = 0; each member errs by 1 at two of three samples: Ē = 2/3 = Ā
    expect.close(student.ensemble_decomposition(preds, y), (0.0, 2.0 / 3.0, 2.0 / 3.0))


def test_values(student, ref, rng):
    """K = 5 members, n = 20 samples"""
    y = rng.standard_normal(20)
    preds = y + 0.5 * rng.standard_normal((5, 20)) + 0.2 * rng.standard_normal((5, 1))
    expect.close(student.ensemble_decomposition(preds, y), ref.ensemble_decomposition(preds, y))


def test_krogh_vedelsby_identity(student, ref, rng, tol):
    """E = Ē - Ā and Ā ≥ 0 on your own numbers (K = 4, n = 30), and the numbers themselves"""
    y = rng.standard_normal(30)
    preds = y + rng.standard_normal((4, 30))
    got = _identity(student, preds, y, tol)
    expect.close(got, ref.ensemble_decomposition(preds, y))  # (0, 0, 0) satisfies the identity too


def test_single_member(student, rng):
    """K = 1: no ambiguity, the ensemble is its member (E = Ē, Ā = 0)"""
    y = rng.standard_normal(6)
    preds = rng.standard_normal((1, 6))
    err = float(np.mean((preds[0] - y) ** 2))
    expect.close(student.ensemble_decomposition(preds, y), (err, err, 0.0))


@mark.hidden
@mark.weight(2)
@mark.parametrize("shape", [(3, 1), (1, 2), (6, 6), (2, 9), (11, 4)], ids=["n=1", "K=1", "K=n", "K<n", "K>n"])
def test_hidden_shapes(student, ref, rng, tol, shape):
    """shapes with n = 1, K = 1, K = n (no broadcasting error to warn you), K ≠ n"""
    K, n = shape
    y = 3 * rng.standard_normal(n)
    preds = y + rng.standard_normal((K, n)) + rng.standard_normal((K, 1))
    expect.close(student.ensemble_decomposition(preds, y), ref.ensemble_decomposition(preds, y))
    _identity(student, preds, y, tol)


@mark.hidden
def test_hidden_identical_members(student, rng):
    """identical members: Ā = 0 and E = Ē"""
    y = rng.standard_normal(7)
    preds = np.tile(rng.standard_normal(7), (4, 1))
    err = float(np.mean((preds[0] - y) ** 2))
    expect.close(student.ensemble_decomposition(preds, y), (err, err, 0.0), expect.Tol(1e-12, 1e-15))
