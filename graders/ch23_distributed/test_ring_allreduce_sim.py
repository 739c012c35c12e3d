"""Grader for ch23.ring_allreduce_sim: every worker ends with the mean (or sum)
of the vectors; the log is a ring schedule (2(P-1) steps, one send per worker
per step, to the right neighbour) whose replay adds every contribution exactly
once; each worker sends at most 2(P-1)⌈n/P⌉ numbers (bandwidth optimality);
P not dividing n, n < P, and P = 1."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import check_schedule, log_array, replay


def run(student, vectors, average=True):
    P = len(vectors)
    out = student.ring_allreduce(vectors, average)
    expect.that(isinstance(out, tuple) and len(out) == 2, "ring_allreduce returns a pair (results, log)", quantity="the result",
                detail=f"got {type(out).__name__}" + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
    results, log = out
    want = np.sum(vectors, axis=0) / (P if average else 1)
    what = "mean" if average else "sum"
    # sums in another order differ by rounding, at most ~P ε Σ_i max|v_i|: atol 1e-14 P Σ_i max|v_i| (45 ε)
    scale = sum(float(np.max(np.abs(v), initial=0.0)) for v in vectors)
    tol = expect.Tol(1e-12, max(1e-14 * P * scale, 1e-300))
    expect.close(results, [want] * P, tol, names=[f"worker {i}'s result (the {what} of the {P} vectors)" for i in range(P)])
    return log_array(log, P)


def vectors_for(rng, P, n):
    return [rng.standard_normal(n) for _ in range(P)]


def test_mean_three_workers(student, rng):
    """P = 3 workers, n = 9: every worker ends with the mean; 4 steps, each worker sends one chunk per step"""
    log = run(student, vectors_for(rng, 3, 9))
    check_schedule(log, 3, 9)


def test_uneven_chunks(student, rng):
    """P = 4, n = 10 (np.array_split gives chunks of 3, 3, 2, 2): the mean, and the log replays correctly"""
    log = run(student, vectors_for(rng, 4, 10))
    check_schedule(log, 4, 10)
    replay(log, 4)


def test_sum(student, rng):
    """average=False returns the sum (P = 3, n = 7, integer-valued vectors, so the sums are exact)"""
    vectors = [rng.integers(-9, 10, 7).astype(np.float64) for _ in range(3)]
    log = run(student, vectors, average=False)
    check_schedule(log, 3, 7)


def test_replay_and_bandwidth(student, rng):
    """P = 5, n = 23: replaying your log adds every contribution exactly once; each worker sends ≤ 2(P-1)⌈n/P⌉ = 40 numbers"""
    log = run(student, vectors_for(rng, 5, 23))
    check_schedule(log, 5, 23)
    replay(log, 5)


def test_single_worker(student, rng):
    """P = 1: nothing to send (an empty log) and the result is the vector itself"""
    log = run(student, vectors_for(rng, 1, 6))
    check_schedule(log, 1, 6)


def test_fewer_numbers_than_workers(student, rng):
    """P = 5 workers, n = 3 numbers: two chunks are empty, and the schedule is the same"""
    log = run(student, vectors_for(rng, 5, 3))
    check_schedule(log, 5, 3)
    replay(log, 5)


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, rng, trial):
    """random P from 2 to 8, n from 1 to 40, mean or sum"""
    P = int(rng.integers(2, 9))
    n = [int(rng.integers(1, P + 1)), int(rng.integers(P, 41)), P * int(rng.integers(1, 6))][trial]
    average = bool(rng.integers(2))
    log = run(student, [float(rng.uniform(0.1, 100)) * rng.standard_normal(n) for _ in range(P)], average)
    check_schedule(log, P, n)
    replay(log, P)


@mark.hidden
def test_hidden_two_workers(student, rng):
    """P = 2: one reduce-scatter step and one all-gather step"""
    log = run(student, vectors_for(rng, 2, 5))
    check_schedule(log, 2, 5)
    replay(log, 2)
