"""Grader for ch11.split_indices: a literal case, the partition properties
(disjoint, complete, exact floor sizes, order of perm) checked on the
student's own answer, and random shapes against the reference."""

import math

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


NAMES = ("train", "validation", "test")


def _unpack(got):
    """The result is a tuple of three 1-D integer arrays (sizes are checked later)."""
    expect.that(
        isinstance(got, (tuple, list)) and len(got) == 3,
        "split_indices must return a tuple (train, val, test) of three arrays",
        quantity="the result",
        detail=f"got {type(got).__name__}" + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""),
    )
    for name, part in zip(NAMES, got):
        ok = isinstance(part, np.ndarray) and part.ndim == 1 and part.dtype.kind in "iu"
        kind = f"array of shape {part.shape} and dtype {part.dtype}" if isinstance(part, np.ndarray) else type(part).__name__
        expect.that(ok, f"the {name} indices must be a 1-D int64 array", quantity=f"{name} indices", detail=f"got {kind}")
    return got


def _partition_checks(perm, frac_val, frac_test, got):
    M = len(perm)
    n_test, n_val = math.floor(frac_test * M), math.floor(frac_val * M)
    train, val, test = got
    for name, part, n, formula in (
        ("test", test, n_test, f"⌊frac_test·M⌋ = ⌊{frac_test}·{M}⌋"),
        ("validation", val, n_val, f"⌊frac_val·M⌋ = ⌊{frac_val}·{M}⌋"),
        ("train", train, M - n_test - n_val, "M - n_test - n_val"),
    ):
        expect.that(len(part) == n, f"the {name} set must have {formula} = {n} indices", quantity=f"{name} indices", detail=f"got {len(part)}")
    joined = np.concatenate([test, val, train])
    expect.that(
        len(set(joined.tolist())) == M and set(joined.tolist()) == set(perm.tolist()),
        "every index of perm must land in exactly one of the three sets (disjoint, nothing lost)",
        quantity="the split",
        detail=f"{M} indices in perm, {len(set(joined.tolist()))} distinct ones in train ∪ val ∪ test",
    )
    first = int(np.flatnonzero(joined != perm)[0]) if np.any(joined != perm) else -1
    expect.that(
        first < 0,
        "the sets must be consecutive slices of perm in its order: test = perm[:n_test], then val, then train",
        quantity="the split",
        detail=f"test, val, train concatenated differs from perm first at position {first}",
    )


def test_literal(student, rng):
    """M = 10, frac_val = 0.2, frac_test = 0.3: test = perm[:3], val = perm[3:5], train = perm[5:]"""
    perm = rng.permutation(10).astype(np.int64)
    expect.equal(student.split_indices(perm, 0.2, 0.3), (perm[5:], perm[3:5], perm[:3]))


def test_partition(student, rng):
    """M = 23: sizes ⌊0.25·23⌋ = 5 and ⌊0.15·23⌋ = 3, disjoint, complete, in perm's order"""
    perm = rng.permutation(23).astype(np.int64)
    got = _unpack(student.split_indices(perm, 0.15, 0.25))
    _partition_checks(perm, 0.15, 0.25, got)


def test_floor_not_round(student, rng):
    """M = 10, frac_test = 0.27, frac_val = 0.16: sizes ⌊2.7⌋ = 2 and ⌊1.6⌋ = 1, not rounded"""
    perm = rng.permutation(10).astype(np.int64)
    got = _unpack(student.split_indices(perm, 0.16, 0.27))
    _partition_checks(perm, 0.16, 0.27, got)


def test_empty_validation(student, rng):
    """frac_val = 0: an empty int64 validation set of shape (0,)"""
    perm = rng.permutation(12).astype(np.int64)
    want = (perm[3:], perm[3:3], perm[:3])
    expect.equal(student.split_indices(perm, 0.0, 0.25), want)


def _extremes(student, ref, rng, M):
    perm = rng.permutation(M).astype(np.int64)
    fractions = ((0.0, 1.0), (0.0, 0.0), (1.0, 0.0), (0.5, 0.5))
    for got, (frac_val, frac_test) in zip(student.split_indices.many([(perm, fv, ft) for fv, ft in fractions]), fractions):  # one round trip
        expect.equal(got, ref.split_indices(perm, frac_val, frac_test))


def test_extremes(student, ref, rng):
    """everything in the test set, nothing held out, everything in validation, and no training set (M = 12)"""
    _extremes(student, ref, rng, 12)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random M (1 and 2 included, each next to a larger M) and fractions"""
    cases = []
    for M in ([1, 2, int(rng.integers(3, 15)), int(rng.integers(15, 200))][trial], int(rng.integers(15, 60))):
        perm = rng.permutation(M).astype(np.int64)
        frac_test = float(rng.uniform(0.0, 0.5))
        frac_val = float(rng.uniform(0.0, 1.0 - frac_test))
        cases.append((perm, frac_val, frac_test))
    for got, (perm, frac_val, frac_test) in zip(student.split_indices.many(cases), cases):  # one round trip
        expect.equal(got, ref.split_indices(perm, frac_val, frac_test))
        _partition_checks(perm, frac_val, frac_test, got)


@mark.hidden
def test_hidden_extremes(student, ref, rng):
    """everything in the test set, nothing held out, everything in validation, no training set"""
    _extremes(student, ref, rng, int(rng.integers(5, 30)))
