"""Grader for ch07.epoch_batches: exact batches against the reference, and the
defining properties checked on the student's own output (the batches, in order,
concatenate to perm or its first ⌊M/B⌋·B entries; all have size B but possibly
the last; no empty batch)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def _properties(got, perm, B, drop_last):
    M = len(perm)
    n_full, rest = divmod(M, B)
    n_batches = n_full + (1 if rest and not drop_last else 0)
    expect.that(isinstance(got, list), "epoch_batches must return a list of index arrays", quantity="batches",
                detail=f"got {type(got).__name__}")
    sizes = [len(b) if isinstance(b, np.ndarray) and b.ndim == 1 else None for b in got]
    expect.that(None not in sizes, "every batch must be a 1-D numpy array of indices", quantity="batches")
    expect.that(
        len(got) == n_batches,
        f"M = {M}, B = {B}, drop_last = {drop_last} gives {n_batches} batches",
        quantity="number of batches",
        detail=f"got {len(got)} batches of sizes {sizes}"
        + (" (an empty batch at the end?)" if sizes and sizes[-1] == 0 else "")
        + (" (the last, incomplete batch is missing?)" if len(got) == n_batches - 1 and rest and not drop_last else ""),
    )
    want_sizes = [B] * n_full + ([rest] if rest and not drop_last else [])
    expect.that(sizes == want_sizes, "batches are consecutive slices of size B (the last may be smaller)",
                quantity="batch sizes", detail=f"expected sizes {want_sizes}, got {sizes}")
    used = n_full * B if drop_last else M
    joined = np.concatenate(got) if got else np.zeros(0, dtype=np.int64)
    expect.equal(joined, perm[:used], names=f"the batches concatenated (must be perm[:{used}], in the order of perm)")


def test_partial_last(student, ref, rng):
    """M=10, B=3: sizes 3, 3, 3, 1"""
    perm = rng.permutation(10).astype(np.int64)
    got = student.epoch_batches(perm, 3)
    _properties(got, perm, 3, False)
    expect.equal(got, ref.epoch_batches(perm, 3))


def test_drop_last(student, ref, rng):
    """M=10, B=3, drop_last=True: sizes 3, 3, 3"""
    perm = rng.permutation(10).astype(np.int64)
    got = student.epoch_batches(perm, 3, drop_last=True)
    _properties(got, perm, 3, True)
    expect.equal(got, ref.epoch_batches(perm, 3, drop_last=True))


def test_divisible(student, rng):
    """M=12, B=4: exactly three batches and no empty one, with or without drop_last"""
    perm = rng.permutation(12).astype(np.int64)
    _properties(student.epoch_batches(perm, 4), perm, 4, False)
    _properties(student.epoch_batches(perm, 4, drop_last=True), perm, 4, True)


def test_order_of_perm(student, rng):
    """the batches follow the order of perm (no reshuffling); M=11, B=4"""
    perm = rng.permutation(11).astype(np.int64)
    _properties(student.epoch_batches(perm, 4), perm, 4, False)


def test_batch_larger_than_epoch(student, ref, rng):
    """B > M: one short batch holding all of perm, and none at all with drop_last=True"""
    M = int(rng.integers(1, 6))
    B = M + int(rng.integers(1, 4))
    perm = rng.permutation(M).astype(np.int64)
    got = student.epoch_batches(perm, B)
    _properties(got, perm, B, False)
    expect.equal(got, ref.epoch_batches(perm, B))
    got = student.epoch_batches(perm, B, drop_last=True)
    _properties(got, perm, B, True)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_sizes(student, ref, rng, trial):
    """M = 1, M = 2, B = 1, B > M and random sizes, both drop_last values"""
    M, B = [(1, 1), (2, int(rng.integers(3, 6))), (int(rng.integers(2, 9)), 1), (int(rng.integers(5, 40)), int(rng.integers(2, 9)))][trial]
    perm = rng.permutation(M).astype(np.int64)
    for drop_last in (False, True):
        got = student.epoch_batches(perm, B, drop_last=drop_last)
        _properties(got, perm, B, drop_last)
        expect.equal(got, ref.epoch_batches(perm, B, drop_last=drop_last))
