"""Grader for ch16.relu_interpolant.

Values: (a_0, c, t) against the reference, and the network N(x) = a_0 + Σ c_k ReLU(x - t_k)
built from the student's output against np.interp on a fine grid (an independent
oracle). Theory: for f = sin on [0, π] the student's interpolants have error
≤ h²/8, divided by ≈ 4 at each halving of h (log–log slope 2).
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import interpolant_outputs, loglog_slope, network, random_knots


def _against_interp(student, tol, knots, values, n=10_000):
    """the student's network on n points of [t_0, t_K] against np.interp"""
    K = len(knots) - 1
    a0, c, t = interpolant_outputs(student.relu_interpolant(knots, values), K)
    x = np.linspace(knots[0], knots[-1], n)
    scale = 1.0 + np.max(np.abs(values))
    expect.close(
        network(a0, c, t, x),
        np.interp(x, knots, values),
        expect.Tol(tol.interp.rtol, tol.interp.atol * scale),
        names="N(x) = a_0 + Σ c_k ReLU(x - t_k) built from your (a_0, c, t), against np.interp(x, knots, values)",
    )


def _rate_check(student, tol, f, f2max, a, b, label):
    """sup |N - f| ≤ (h²/8) sup|f''| for K = 8..128, ratios in [3.6, 4.4], slope 2 ± 0.05"""
    Ks = [8, 16, 32, 64, 128]
    knots = [np.linspace(a, b, K + 1) for K in Ks]
    outs = student.relu_interpolant.many([(kn, f(kn)) for kn in knots])
    x = np.linspace(a, b, 4001)
    errs, hs = [], []
    for K, kn, out in zip(Ks, knots, outs):
        a0, c, t = interpolant_outputs(out, K)
        grid = np.sort(np.concatenate([x, (kn[1:] + kn[:-1]) / 2]))  # the error peaks near the midpoints
        errs.append(float(np.max(np.abs(network(a0, c, t, grid) - f(grid)))))
        hs.append((b - a) / K)
    errs, hs = np.array(errs), np.array(hs)
    bound = hs**2 / 8 * f2max
    th = tol.theory
    # The bound is a theorem (Taylor with remainder on each interval); the slack covers
    # only rounding of N on the grid (~1e-15).
    k = int(np.argmax(errs / bound))
    expect.that(
        bool(np.all(errs <= bound * (1 + 1e-9) + 1e-13)),
        "the interpolation error must satisfy sup |N - f| ≤ (h²/8) sup|f''|",
        quantity=f"sup |N - f| for {label}",
        detail=f"K = {Ks[k]} (h = {hs[k]:.4g}): error {errs[k]:.4g}, bound h²/8·sup|f''| = {bound[k]:.4g}",
    )
    ratios = errs[:-1] / errs[1:]
    slope = loglog_slope(hs, errs)
    # For a C² function the error is (h²/8)|f''(ξ)|(1 + O(h)): the ratios tend to 4 and
    # are 3.73–4.0 from K = 8 on for these f (tests/oracles/test_ch16_universal_approximation.py);
    # [3.6, 4.4] and slope 2 ± 0.05 leave room for that O(h) drift, and nothing else.
    expect.that(
        bool(np.all((ratios >= th["ratio_low"]) & (ratios <= th["ratio_high"]))) and abs(slope - th["slope"]) <= th["slope_tol"],
        f"halving h must divide the error by a factor in [{th['ratio_low']}, {th['ratio_high']}] (error O(h²), log–log slope 2 ± {th['slope_tol']})",
        quantity=f"convergence of your interpolants of {label}",
        detail=f"errors {np.round(errs, 8).tolist()} for K = {Ks}; ratios {np.round(ratios, 3).tolist()}; slope {slope:.3f}",
    )


def test_small(student, ref, rng):
    """5 non-uniform knots on [0, 2] with random values"""
    knots = random_knots(rng, 4, 0.0, 2.0)
    values = rng.uniform(-2, 2, 5)
    expect.close(student.relu_interpolant(knots, values), ref.relu_interpolant(knots, values))


def test_matches_np_interp(student, rng, tol):
    """K = 12 random knots on [-1, 2]: your network equals np.interp on 10⁴ points"""
    _against_interp(student, tol, random_knots(rng, 12, -1.0, 3.0), rng.uniform(-3, 3, 13))


def test_single_interval(student):
    """K = 1 (one unit): knots (0.5, 2), values (1, -2) give a_0 = 1, c = [-2], t = [0.5]"""
    got = student.relu_interpolant(np.array([0.5, 2.0]), np.array([1.0, -2.0]))
    expect.close(got, (1.0, np.array([-2.0]), np.array([0.5])))


def test_collinear_data(student):
    """data on a line y = 3x - 1: only the first unit is used (c = [3, 0, 0, 0])"""
    knots = np.array([-1.0, 0.0, 0.5, 2.0, 2.25])
    got = student.relu_interpolant(knots, 3 * knots - 1)
    expect.close(got, (-4.0, np.array([3.0, 0.0, 0.0, 0.0]), knots[:-1]), expect.Tol(1e-12, 1e-12))


def test_rate_h_squared(student, tol):
    """[theory] f = sin on [0, π], K = 8..128: error ≤ h²/8, ×1/4 per halving of h"""
    _rate_check(student, tol, np.sin, 1.0, 0.0, np.pi, "f = sin on [0, π]")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, tol, trial):
    """K = 1, 2 and random up to 40; offset, span and scale of the data random"""
    K = [1, 2, int(rng.integers(3, 41))][trial]
    start, span = float(rng.uniform(-100, 100)), float(10 ** rng.uniform(-2, 1.7))
    knots = random_knots(rng, K, start, span)
    values = 10 ** rng.uniform(-1, 3) * rng.standard_normal(K + 1)
    got = student.relu_interpolant(knots, values)
    want = ref.relu_interpolant(knots, values)
    smax = np.max(np.abs(np.diff(values) / np.diff(knots)))
    # the coefficients are differences of slopes: their rounding scales with the largest slope
    expect.close(got, want, expect.Tol(tol.default.rtol, tol.default.atol * (1 + smax)))
    _against_interp(student, tol, knots, values, n=2000)


@mark.hidden
def test_hidden_rate(student, rng, tol):
    """[theory] f = exp on a random interval [a, a + 1]: error ≤ (h²/8) e^{a+1}, O(h²)"""
    a = float(rng.uniform(-2, 2))
    _rate_check(student, tol, np.exp, np.exp(a + 1), a, a + 1, f"f = exp on [{a:.3g}, {a + 1:.3g}]")
