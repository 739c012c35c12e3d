"""Grader for ch20.lln_convergence (train_mf): against the reference (γ = 1 and γ = ½,
R = 1 and R > 1); k = ⌊tN⌋ steps on the first k indices of the stream (a stream that
ends exactly there); t = 0 returns the initial networks; networks in one batch do not
interact; and the law of large numbers, statistically: the across-initialisation
standard deviation of g^N_t decays like N^{-1/2} for γ = 1 and stays O(1) for γ = ½."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import LLN_GAMMAS, LLN_R, LLN_WIDTHS, gaussian_nets, lln_calls, lln_case, lln_slopes, unit_rows


def _data(rng, M, d):
    X = unit_rows(rng, M, d)
    return X, np.sin(2 * X[:, 0]) + 0.3 * rng.standard_normal(M)


def _lln_check(student, rng, tol, hidden):
    """N = 10, 40, 160 with R = 48: both fitted slopes have s.d. 0.0275 (public parameters)
    and 0.0276 (hidden: random d, α, t) over the reference's seeds (300 seeds each, no
    failure; bench/calibrate_wide_networks.py). The windows -½ ± 0.2 (γ = 1) and 0 ± 0.2
    (γ = ½) are at least 7 s.d. wide: FFP ≈ 3e-12 per slope under a normal fit. An O(1) step
    per particle over-fits and steepens both slopes by 0.3 or more, which fails on every
    one of 30 (seed, parameters) pairs, by 0.09 or more (6 in tests/oracles/test_ch20_mean_field.py).
    The earlier N = 10, 50, 400 with R = 20 had s.d. 0.028 and 0.035, missed the wrong step
    by 0.04 at least, and cost 2.2 times as much (200 steps of the widest width, not 80).
    The slopes are those of the outputs N^{-γ} Σ c σ(w·x) of your trained particles."""
    case = lln_case(rng, hidden)
    calls = lln_calls(case)
    trained = [expect.like(out, (a[0], a[1])) for out, a in zip(student.train_mf.many(calls), calls)]
    slopes, sds = lln_slopes(case, trained)
    lln = tol.lln
    for gamma, slope, sd, want in zip(LLN_GAMMAS, slopes, sds, (lln["slope"], 0.0)):
        table = "\n".join(f"  N = {N:>4}: s.d. over {LLN_R} initialisations {s:.4g}   (√N · s.d. = {s * np.sqrt(N):.4g})" for N, s in zip(LLN_WIDTHS, sd))
        law = ("law of large numbers (γ = 1): the spread of g^N_t over initialisations must shrink like N^{-1/2}" if gamma == 1.0 else
               "kernel regime (γ = ½): the random initial function persists, the spread of g^{N,½}_t must not shrink")
        expect.that(
            abs(slope - want) <= lln["tol"],
            f"{law} (log-log slope {want:g} ± {lln['tol']:g})",
            quantity=f"standard deviation of g^{{N,γ}}_t(x) over initialisations, γ = {gamma:g}",
            detail=f"fitted slope {slope:.3f} at t = {case['t']:.3g} (pooled over {case['X_test'].shape[0]} test inputs):\n{table}",
        )


def test_small(student, ref, rng):
    """one network (R = 1), N = 6, d = 2, 10 samples, α = 1, t = 2 (12 steps)"""
    c0, W0 = gaussian_nets(rng, 1, 6, 2)
    X, y = _data(rng, 10, 2)
    idx = rng.integers(0, 10, 12).astype(np.int64)
    expect.close(student.train_mf(c0, W0, X, y, idx, 1.0, 2.0, "tanh"), ref.train_mf(c0, W0, X, y, idx, 1.0, 2.0, "tanh"))


def test_batch_of_networks(student, ref, rng):
    """R = 3 networks of N = 8 trained together equal each trained alone (γ = ½, t = 1.5: 12 steps)"""
    c0, W0 = gaussian_nets(rng, 3, 8, 3)
    X, y = _data(rng, 7, 3)
    idx = rng.integers(0, 7, 30).astype(np.int64)
    args = (X, y, idx, 0.9, 1.5, "tanh", 0.5)
    together = student.train_mf(c0, W0, *args)
    expect.close(together, ref.train_mf(c0, W0, *args))
    alone = student.train_mf.many([(c0[r : r + 1], W0[r : r + 1], *args) for r in range(3)])
    expect.close(together, (np.concatenate([a[0] for a in alone]), np.concatenate([a[1] for a in alone])),
                 names=["c of the 3 networks trained together", "W of the 3 networks trained together"],
                 detail="the R networks are independent: each must follow the trajectory it has when trained alone")


def test_number_of_steps(student, ref, rng):
    """k = ⌊tN⌋: t = 0.75, N = 10 uses exactly the 7 indices given (one more would be out of range)"""
    c0, W0 = gaussian_nets(rng, 2, 10, 2)
    X, y = _data(rng, 5, 2)
    idx = rng.integers(0, 5, 7).astype(np.int64)
    expect.close(student.train_mf(c0, W0, X, y, idx, 1.2, 0.75, "tanh"), ref.train_mf(c0, W0, X, y, idx, 1.2, 0.75, "tanh"),
                 detail="time t = k/N: k = ⌊0.75 · 10⌋ = 7 steps, step j on idx_seq[j]")


def test_zero_time(student, rng):
    """t = 0: no step, the initial networks"""
    c0, W0 = gaussian_nets(rng, 2, 5, 3)
    X, y = _data(rng, 4, 3)
    expect.close(student.train_mf(c0, W0, X, y, np.zeros(3, dtype=np.int64), 1.0, 0.0, "tanh"), (c0, W0))


def test_law_of_large_numbers(student, rng, tol):
    """[statistical] N = 10, 40, 160, 48 initialisations each, t = ½: spread ∝ N^{-1/2} for γ = 1, flat for γ = ½"""
    _lln_check(student, rng, tol, hidden=False)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random R, N (1 included), d, α, γ, activation and a fractional tN"""
    R = [1, int(rng.integers(2, 6)), int(rng.integers(1, 4))][trial]
    N = [1, int(rng.integers(2, 30)), int(rng.integers(30, 120))][trial]
    d, M = int(rng.integers(1, 5)), int(rng.integers(2, 12))
    c0, W0 = gaussian_nets(rng, R, N, d)
    X, y = _data(rng, M, d)
    t = (int(rng.integers(1, 3 * N + 1)) + float(rng.uniform(0.1, 0.9))) / N  # tN away from an integer
    idx = rng.integers(0, M, int(t * N) + 1).astype(np.int64)
    args = (X, y, idx, float(rng.uniform(0.2, 2.0)), t, str(rng.choice(["tanh", "sigmoid", "relu"])), float(rng.uniform(0.5, 1.0)))
    expect.close(student.train_mf(c0, W0, *args), ref.train_mf(c0, W0, *args))


@mark.hidden
@mark.weight(2)
def test_hidden_law_of_large_numbers(student, rng, tol):
    """[statistical] the law of large numbers with random d, α and t"""
    _lln_check(student, rng, tol, hidden=True)
