"""Grader for ch16.sigmoid_staircase.

Values against the reference (recorded for public cases); f runs here and logs
where it is evaluated, so the construction must use only the samples f(k/K).
Theory, on the student's own network: the explicit bound of the docstring holds
for several Lipschitz f (the grader evaluates the bound's formula itself), and
with λ/K fixed the error decreases like 1/K. Overflow: λ up to 10⁷ under
np.errstate(all="raise").
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import grid_only, lipschitz_function, loglog_slope

ADVICE = "Use a sigmoid that never exponentiates a large positive number, e.g. e = np.exp(-np.abs(u)) and np.where(u >= 0, 1, e) / (1 + e)."
# The sup over [0, 1] is read on this grid: its maximum is within 0.1% of the sup on a
# 10⁵-point grid for every case below (tests/oracles), and it holds every k/K of the
# decay check's K. A finer grid adds nothing but the student's time (5001 points: 8×).
GRID = np.linspace(0.0, 1.0, 2001)


def bound(L, K, lam):
    """the docstring's bound (L/K)[½ + √q(1+q)/(1-q)], q = e^{-λ/K}"""
    q = np.exp(-lam / K)
    return L / K * (0.5 + np.sqrt(q) * (1 + q) / -np.expm1(-lam / K))


def _bound_check(student, cases):
    """cases: (f, K, λ); the sup error on GRID is below the bound"""
    outs = student.sigmoid_staircase.many([(f, K, lam, GRID) for f, K, lam in cases])
    for (f, K, lam), out in zip(cases, outs):
        N = expect.like(out, GRID)
        grid_only(f, K)
        err = float(np.max(np.abs(N - f.fn(GRID))))
        b = bound(f.lipschitz, K, lam)
        # a theorem, not an estimate: the slack only covers rounding (~1e-15)
        expect.that(
            err <= b * (1 + 1e-9) + 1e-12,
            "sup |N - f| ≤ (L/K)[½ + √q(1+q)/(1-q)] (q = e^{-λ/K}) for every L-Lipschitz f",
            quantity=f"sup |N - f| for {f.name} (L = {f.lipschitz:g}), K = {K}, λ = {lam:g}",
            detail=f"your error is {err:.5g}, the bound {b:.5g}"
            + (" (the staircase error alone is L/(2K) when the jumps sit at the midpoints (k-½)/K)" if err > 1.5 * b else ""),
        )


def _decay_check(student, tol, f, ratio):
    Ks = [5, 10, 20, 40, 80]
    outs = student.sigmoid_staircase.many([(f, K, ratio * K, GRID) for K in Ks])
    errs = np.array([float(np.max(np.abs(expect.like(o, GRID) - f.fn(GRID)))) for o in outs])
    slope = loglog_slope(Ks, errs)
    th = tol.theory
    # With λ/K fixed the error is (L/K)·g(λ/K) up to the position of f's steepest point
    # on the grid: slopes -0.99 to -1.02 for smooth f (oracle tests); ±0.1 is the margin.
    expect.that(
        bool(np.all(np.diff(errs) < 0)) and abs(slope - th["slope"]) <= th["slope_tol"],
        f"with λ/K fixed the error must decrease like 1/K (log–log slope {th['slope']} ± {th['slope_tol']})",
        quantity=f"sup |N - f| for {f.name}, λ/K = {ratio:g}",
        detail=f"errors {np.round(errs, 6).tolist()} for K = {Ks}; slope {slope:.3f}",
    )


def test_small(student, ref):
    """f(x) = sin(4x), K = 5, λ = 40, at 9 points of [0, 1]"""
    x = np.linspace(0, 1, 9)
    f = lipschitz_function("sin")
    got = student.sigmoid_staircase(f, 5, 40.0, x)
    expect.close(got, ref.sigmoid_staircase(f.fresh(), 5, 40.0, x))
    grid_only(f, 5)


def test_bound_values(student, ref):
    """staircase_bound(L, K, λ) for (2, 10, 100), (1, 3, 0.5) and (4, 20, 10⁵) (q = 0: L/(2K))"""
    for args in [(2.0, 10, 100.0), (1.0, 3, 0.5), (4.0, 20, 1e5)]:
        expect.close(student.staircase_bound(*args), ref.staircase_bound(*args), names=f"staircase_bound{args}")


def test_steep_no_overflow(student, ref):
    """λ = 5000, K = 10 under np.errstate(all="raise"): a naive 1/(1+exp(-u)) overflows"""
    x = np.linspace(0, 1, 41)
    f = lipschitz_function("line")
    got = expect.without_overflow(student, "sigmoid_staircase", f, 10, 5000.0, x, what="N(x) for λ = 5000", advice=ADVICE)
    expect.close(got, ref.sigmoid_staircase(f.fresh(), 10, 5000.0, x))


def test_bound_holds(student):
    """[theory] the explicit bound holds for 4 Lipschitz f, K = 10 and 20, λ/K = 100 and 10"""
    names = ["line", "sin", "kink", "mix"]
    _bound_check(student, [(lipschitz_function(n), K, r * K) for n in names for K, r in [(10, 100.0), (20, 10.0)]])


def test_error_decreases_like_1_over_K(student, tol):
    """[theory] f(x) = sin(4x), λ/K = 20: the error decreases like 1/K (K = 5..80)"""
    _decay_check(student, tol, lipschitz_function("sin"), 20.0)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """K = 1, 2 and random; λ log-uniform in [1, 10⁵]; a random zigzag f; x includes 0 and 1"""
    K = [1, 2, int(rng.integers(3, 60))][trial]
    lam = float(10 ** rng.uniform(0, 5))
    x = np.concatenate([[0.0, 1.0], rng.uniform(0, 1, 30)])
    f = lipschitz_function("zigzag", rng)
    got = expect.without_overflow(student, "sigmoid_staircase", f, K, lam, x, what=f"N(x) for λ = {lam:.3g}", advice=ADVICE)
    expect.close(got, ref.sigmoid_staircase(f.fresh(), K, lam, x))
    grid_only(f, K)


@mark.hidden
def test_hidden_huge_lambda(student, ref, rng):
    """λ = 10⁷: N is the staircase itself, ½ of the jump exactly at a midpoint"""
    K = int(rng.integers(3, 12))
    x = np.concatenate([(np.arange(1, K + 1) - 0.5) / K, rng.uniform(0, 1, 10)])
    f = lipschitz_function("mix")
    got = expect.without_overflow(student, "sigmoid_staircase", f, K, 1e7, x, what="N(x) for λ = 10⁷", advice=ADVICE)
    expect.close(got, ref.sigmoid_staircase(f.fresh(), K, 1e7, x))


@mark.hidden
def test_hidden_bound_values(student, ref, rng):
    """staircase_bound for random L, K, λ, including λ/K = 10⁻³ (1 - q by expm1)"""
    cases = [(float(rng.uniform(0.1, 10)), int(rng.integers(1, 100)), float(10 ** rng.uniform(-1, 4))) for _ in range(4)]
    K = int(rng.integers(5, 50))
    cases.append((float(rng.uniform(0.1, 10)), K, 1e-3 * K))
    for args in cases:
        expect.close(student.staircase_bound(*args), ref.staircase_bound(*args), names=f"staircase_bound{args}")


@mark.hidden
def test_hidden_bound_holds(student, rng):
    """[theory] the bound for a random zigzag, random K and λ/K in [10, 200]"""
    K = int(rng.integers(4, 40))
    _bound_check(student, [(lipschitz_function("zigzag", rng), K, float(rng.uniform(10, 200)) * K)])
