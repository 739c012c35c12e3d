"""Grader for ch16.sawtooth_depth.

tent_network: against the closed form T^k(x) = 1 - |2 frac(2^{k-1} x) - 1| (exact on
dyadic points, 1e-12 elsewhere). count_linear_pieces: against functions whose
number of pieces is known by construction (non-uniform grids, rounding noise,
small real kinks). Theory, on both student functions: T^k has exactly 2^k pieces
(counted by the student's count on the student's tent values, and by the grader's
own second differences), so a shallow ReLU network needs ≥ 2^k - 1 units.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def closed_form(x, k):
    """T^k(x) = 1 - |2 frac(2^{k-1} x) - 1| on [0, 1) for k ≥ 1 (T^k(1) = 0)"""
    if k == 0:
        return x.copy()
    return 1.0 - np.abs(2.0 * np.mod(2.0 ** (k - 1) * x, 1.0) - 1.0)


def piecewise(rng, pieces, n_between=(1, 6), slope_scale=1.0):
    """A continuous piecewise-linear function with exactly `pieces` pieces on a random
    non-uniform grid that contains its breakpoints; slope magnitudes in [0.3, 1]·scale
    and consecutive slopes at least 0.05·scale apart (far above the 10⁻⁶ tolerance,
    and rounding stays far below it). Returns (f_vals, x)."""
    slopes = [float(rng.choice([-1, 1]) * rng.uniform(0.3, 1))]
    while len(slopes) < pieces:
        s = float(rng.choice([-1, 1]) * rng.uniform(0.3, 1))
        if abs(s - slopes[-1]) >= 0.05:
            slopes.append(s)
    slopes = slope_scale * np.array(slopes)
    xs, fs = [0.0], [float(rng.uniform(-1, 1))]
    for s in slopes:  # one piece: its interior grid points, then its right end
        width = float(rng.uniform(0.2, 1.0))
        inner = np.sort(rng.uniform(0.05, 0.95, int(rng.integers(*n_between)))) * width
        x0, f0 = xs[-1], fs[-1]
        for d in np.append(inner, width):
            xs.append(x0 + d)
            fs.append(f0 + s * d)
    return np.array(fs), np.array(xs)


def _count(student, f_vals, x, want, what):
    got = student.count_linear_pieces(f_vals, x)
    expect.equal(got, int(want), names=f"number of linear pieces of {what}")


def _depth_check(student, ks):
    grids = [np.arange(2 ** (k + 3) + 1) / 2.0 ** (k + 3) for k in ks]
    outs = student.tent_network.many([(x, k) for x, k in zip(grids, ks)])
    vals = [expect.like(o, x) for o, x in zip(outs, grids)]
    for k, x, v in zip(ks, grids, vals):
        expect.that(
            bool(np.all((v >= 0) & (v <= 1))),
            "T maps [0, 1] onto [0, 1], so every layer's output must stay in [0, 1]",
            quantity=f"T^{k}(x) on [0, 1]",
            detail=f"your values range over [{v.min():.4g}, {v.max():.4g}]",
        )
        expect.close(v, closed_form(x, k), names=f"T^{k}(x) on the grid i/2^{k + 3}")
    counts = student.count_linear_pieces.many([(v, x) for v, x in zip(vals, grids)])
    for k, x, v, got in zip(ks, grids, vals, counts):
        # the grader's own count: on this dyadic grid every value is exact, so a
        # breakpoint is a non-zero second difference
        own = 1 + int(np.count_nonzero(np.diff(v, 2)))
        expect.that(
            own == 2**k,
            f"the depth-{k} tent network must have 2^{k} = {2**k} linear pieces on [0, 1]",
            quantity=f"pieces of your T^{k} (counted by the grader)",
            detail=f"your values have {own}",
        )
        expect.that(
            isinstance(got, int) and got == 2**k,
            f"count_linear_pieces(T^{k}(x), x) must be 2^{k} = {2**k}: a one-hidden-layer ReLU net "
            f"with u units has at most u + 1 pieces, so it needs at least {2**k - 1} units where the deep net has {2 * k}",
            quantity=f"your count of the pieces of T^{k}",
            detail=f"got {got!r}",
        )


def test_tent_small(student):
    """T, T², T³ at 0, 0.1, 0.25, 0.5, 0.6, 0.75, 1"""
    x = np.array([0.0, 0.1, 0.25, 0.5, 0.6, 0.75, 1.0])
    want = {1: [0.0, 0.2, 0.5, 1.0, 0.8, 0.5, 0.0], 2: [0.0, 0.4, 1.0, 0.0, 0.4, 1.0, 0.0], 3: [0.0, 0.8, 0.0, 0.0, 0.8, 0.0, 0.0]}
    outs = student.tent_network.many([(x, k) for k in (1, 2, 3)])
    for k, got in zip((1, 2, 3), outs):
        expect.close(got, np.array(want[k]), names=f"T^{k}(x)")


def test_tent_closed_form(student, rng):
    """k = 5 at 200 random points: T^5(x) = 1 - |2 frac(16 x) - 1|"""
    x = rng.uniform(0, 1, 200)
    expect.close(student.tent_network(x, 5), closed_form(x, 5), names="T^5(x)")


def test_depth_zero(student, rng):
    """k = 0 is the identity"""
    x = rng.uniform(0, 1, 7)
    expect.close(student.tent_network(x, 0), x, names="T^0(x) (the identity)")


def test_count_small(student):
    """|x - ½| on 11 points: 2 pieces; a line: 1; two points: 1"""
    x = np.linspace(0, 1, 11)
    _count(student, np.abs(x - 0.5), x, 2, "|x - ½| on np.linspace(0, 1, 11)")
    _count(student, 3 * x + 1, x, 1, "3x + 1")
    _count(student, np.array([1.0, 5.0]), np.array([0.0, 2.0]), 1, "two samples")


def test_count_nonuniform_grid(student, rng):
    """4 pieces sampled on a non-uniform grid (the spacing changes inside pieces)"""
    f_vals, x = piecewise(rng, 4)
    _count(student, f_vals, x, 4, "a 4-piece function on a non-uniform grid")


def test_count_rounding_noise(student):
    """3 pieces evaluated on np.linspace(0, 1, 1001): rounding must not create breakpoints"""
    x = np.linspace(0.0, 1.0, 1001)
    f_vals = np.interp(x, [0.0, 0.3, 0.7, 1.0], [0.1, 0.7, -0.1, 0.35])
    _count(student, f_vals, x, 3, "np.interp(x, [0, .3, .7, 1], [.1, .7, -.1, .35]) on 1001 points")


def test_count_small_kink(student):
    """slopes 0.02 then 0.0201: a real kink far below 1 in absolute terms"""
    x = np.linspace(0.0, 1.0, 101)
    f_vals = np.where(x <= 0.5, 0.02 * x, 0.01 + 0.0201 * (x - 0.5))
    _count(student, f_vals, x, 2, "slopes 0.02 and 0.0201 (kink at ½)")


def test_depth_separation(student):
    """[theory] k = 1..8: T^k has exactly 2^k pieces (your tent, your count)"""
    _depth_check(student, list(range(1, 9)))


@mark.hidden
def test_hidden_tent_random(student, rng):
    """k random in [6, 20] at random points, and on the dyadic grid"""
    k = int(rng.integers(6, 21))
    x = np.concatenate([rng.uniform(0, 1, 300), np.arange(65) / 64])
    expect.close(student.tent_network(x, k), closed_form(x, k), names=f"T^{k}(x)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_count_random(student, rng, trial):
    """random pieces 1..30, non-uniform grids, slopes scaled by 10^{-3..3}"""
    pieces = [1, 2, int(rng.integers(3, 31))][trial]
    f_vals, x = piecewise(rng, pieces, slope_scale=float(10 ** rng.uniform(-3, 3)))
    _count(student, f_vals, x, pieces, f"a {pieces}-piece function")


@mark.hidden
def test_hidden_depth_separation(student, rng):
    """[theory] k = 9, 10, 11 and a random k ≤ 6"""
    _depth_check(student, [9, 10, 11, int(rng.integers(1, 7))])
