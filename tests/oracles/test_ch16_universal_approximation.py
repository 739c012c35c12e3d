"""Chapter 16 references against independent oracles (scipy's linear splines and
lstsq, scipy.special.expit, brute-force worst cases, closed forms), every formula
of the catalog and of the docstrings checked numerically, and the calibration and
power of the statistical check."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from scipy.interpolate import make_interp_spline
from scipy.special import expit

from support import grader_helpers, reference

ref = reference("ch16")
H = grader_helpers("ch16")
STAIRCASE = grader_helpers("ch16", "test_sigmoid_staircase")
ROOT = Path(__file__).resolve().parents[2]


def _bench(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- relu_interpolant -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_interpolant_vs_scipy_linear_spline(seed):
    """N(x) equals scipy's degree-1 B-spline, and c_k are the jumps of its derivative."""
    rng = np.random.default_rng(seed)
    K = int(rng.integers(1, 30))
    knots = np.sort(rng.uniform(-3, 3, K + 1))
    values = rng.standard_normal(K + 1)
    a0, c, t = ref.relu_interpolant(knots, values)
    spline = make_interp_spline(knots, values, k=1)
    x = np.linspace(knots[0], knots[-1], 5000)
    np.testing.assert_allclose(H.network(a0, c, t, x), spline(x), rtol=1e-10, atol=1e-10)
    deriv = spline.derivative()
    mids = (knots[:-1] + knots[1:]) / 2
    np.testing.assert_allclose(np.cumsum(c), deriv(mids), rtol=1e-10, atol=1e-10)
    assert isinstance(a0, float) and c.shape == t.shape == (K,)


@pytest.mark.parametrize("f,f2,a,b", [(np.sin, 1.0, 0.0, np.pi), (np.exp, None, -2.0, -1.0), (np.exp, None, 2.0, 3.0)])
def test_h_squared_claims(f, f2, a, b):
    """The grader's claims: error ≤ (h²/8) sup|f''|; halving ratios 3.73–4.0 from K = 8
    (the catalog's [3.6, 4.4]); log–log slope 2 within 0.03."""
    f2 = f2 if f2 is not None else np.exp(b)
    errs, hs = [], []
    for K in [8, 16, 32, 64, 128]:
        kn = np.linspace(a, b, K + 1)
        x = np.union1d(np.linspace(a, b, 4001), (kn[1:] + kn[:-1]) / 2)  # the grader's grid
        a0, c, t = ref.relu_interpolant(kn, f(kn))
        errs.append(np.max(np.abs(H.network(a0, c, t, x) - f(x))))
        dense = np.linspace(a, b, 100_001)
        assert errs[-1] >= (1 - 1e-4) * np.max(np.abs(H.network(a0, c, t, dense) - f(dense)))  # it finds the sup to 1e-4
        hs.append((b - a) / K)
    errs, hs = np.array(errs), np.array(hs)
    assert np.all(errs <= hs**2 / 8 * f2)
    ratios = errs[:-1] / errs[1:]
    assert np.all((ratios > 3.7) & (ratios < 4.05)), ratios
    assert abs(H.loglog_slope(hs, errs) - 2) < 0.03


def test_shallow_network_for_the_tent():
    """The depth-separation count is tight: relu_interpolant through the 2^k + 1
    breakpoints of T^k is a one-hidden-layer net with 2^k units (the first is linear
    on [0, 1], so 2^k - 1 kinks) that equals T^k."""
    for k in range(1, 7):
        knots = np.arange(2**k + 1) / 2**k
        a0, c, t = ref.relu_interpolant(knots, ref.tent_network(knots, k))
        x = np.linspace(0, 1, 3001)
        np.testing.assert_allclose(H.network(a0, c, t, x), ref.tent_network(x, k), atol=1e-12)
        assert np.count_nonzero(np.abs(c[1:]) > 1e-9) == 2**k - 1


# -- sigmoid_staircase ------------------------------------------------------------------


@pytest.mark.parametrize("K,lam", [(1, 3.0), (7, 50.0), (30, 1e4)])
def test_staircase_vs_expit(K, lam):
    f = lambda x: np.cos(3 * x) + x  # noqa: E731
    x = np.linspace(0, 1, 501)
    grid = np.arange(K + 1) / K
    want = f(0.0) + sum((f(grid[k]) - f(grid[k - 1])) * expit(lam * (x - (k - 0.5) / K)) for k in range(1, K + 1))
    np.testing.assert_allclose(ref.sigmoid_staircase(f, K, lam, x), want, rtol=1e-12, atol=1e-12)
    with np.errstate(over="raise"):
        ref.sigmoid_staircase(f, K, lam, x)


def _worst_zigzag(K, L, phase, sub):
    """An L-Lipschitz zigzag with slopes ±L switching `sub` times per grid cell (a
    near-worst case for the bound), shifted by `phase`."""
    knots = np.linspace(0, 1, K * sub + 1) + phase / (K * sub)
    knots = np.concatenate([[0.0], knots[(knots > 0) & (knots < 1)], [1.0]])
    signs = np.where(np.arange(len(knots) - 1) % 2 == 0, 1.0, -1.0)
    vals = np.concatenate([[0.0], np.cumsum(np.diff(knots) * L * signs)])
    return lambda x: np.interp(x, knots, vals)


def test_bound_is_rigorous_and_sharper_than_the_catalog():
    """The docstring's bound holds for near-worst-case zigzags, linear and kinked f over
    a range of K and λ/K; it is below the catalog's bound; for f(x) = x it tends to the
    true error L/(2K) as λ/K grows."""
    x = np.linspace(0, 1, 20_001)
    for K in (1, 3, 12):
        for r in (0.5, 3.0, 30.0):
            lam = r * K
            b = ref.staircase_bound(1.0, K, lam)
            q = np.exp(-lam / K)
            catalog = 1 / (2 * K) + (1 / K) * (1 + 2 * np.exp(-lam / (2 * K)) / (1 - q))
            assert b < catalog
            fs = [_worst_zigzag(K, 1.0, p, s) for p in (0.0, 0.3, 0.5) for s in (1, 2, 3)]
            fs += [lambda x: x, lambda x: np.abs(x - 0.37), lambda x: -x]
            worst = max(np.max(np.abs(ref.sigmoid_staircase(f, K, lam, x) - f(x))) for f in fs)
            assert worst <= b * (1 + 1e-12), (K, r, worst, b)
    # sharpness: for f(x) = x the error approaches L/(2K) = the bound's limit
    K = 10
    err = np.max(np.abs(ref.sigmoid_staircase(lambda x: x, K, 1e4 * K, x) - x))
    assert 0.95 / (2 * K) < err <= ref.staircase_bound(1.0, K, 1e4 * K) == pytest.approx(1 / (2 * K))


def test_midpoint_bug_escapes_the_catalog_bound_but_not_ours():
    """The note's claim: with jumps at k/K instead of the midpoints, f(x) = 2x - 1/2
    has error ≈ L/K: above the docstring's bound once λ/K ≥ 10, below the catalog's."""
    x = STAIRCASE.GRID
    f, L = (lambda x: 2 * x - 0.5), 2.0
    for K, r in [(10, 10.0), (10, 100.0), (20, 10.0), (40, 50.0)]:
        lam = r * K
        fv = f(np.arange(K + 1) / K)
        wrong = fv[0] + expit(lam * (x[:, None] - np.arange(1, K + 1)[None, :] / K)) @ np.diff(fv)
        err = np.max(np.abs(wrong - f(x)))
        q = np.exp(-lam / K)
        catalog = L / (2 * K) + (L / K) * (1 + 2 * np.exp(-lam / (2 * K)) / (1 - q))
        assert ref.staircase_bound(L, K, lam) < err < catalog


def test_bound_closed_forms():
    """Limits: q → 0 gives L/(2K); small λ/K keeps its digits (expm1), against an mpmath-free
    series: √q(1+q)/(1-q) = e^{-a} coth a with a = λ/(2K)."""
    assert ref.staircase_bound(3.0, 6, 1e6) == pytest.approx(3.0 / 12, rel=1e-15)
    for L, K, lam in [(1.0, 5, 5e-6), (2.0, 3, 0.7), (0.5, 40, 400.0)]:
        a = lam / (2 * K)
        assert ref.staircase_bound(L, K, lam) == pytest.approx(L / K * (0.5 + np.exp(-a) / np.tanh(a)), rel=1e-12)


def test_decay_slope_claims():
    """With λ/K = 20 the error decreases like 1/K for the grader's f (slopes within 0.03 of
    -1), on the grader's grid."""
    x = STAIRCASE.GRID
    for name in ("sin", "line", "mix"):
        f = H.lipschitz_function(name)
        errs = [np.max(np.abs(ref.sigmoid_staircase(f, K, 20.0 * K, x) - f.fn(x))) for K in (5, 10, 20, 40, 80)]
        assert np.all(np.diff(errs) < 0)
        assert abs(H.loglog_slope([5, 10, 20, 40, 80], errs) + 1) < 0.03


def test_grid_finds_the_sup():
    """The grader's comment: on its grid, the sup error of every case of the bound and
    decay checks is within 0.1% of the sup on 10⁵ points (so a coarser grid does not
    let a violation of the bound through), and the grid holds every k/K of the decay check."""
    fine = np.linspace(0, 1, 100_001)
    cases = [(n, K, r * K) for n in ("line", "sin", "kink", "mix") for K, r in [(10, 100.0), (20, 10.0)]]
    cases += [("sin", K, 20.0 * K) for K in (5, 10, 20, 40, 80)]
    for name, K, lam in cases:
        f = H.lipschitz_function(name)
        on_grid = np.max(np.abs(ref.sigmoid_staircase(f, K, lam, STAIRCASE.GRID) - f.fn(STAIRCASE.GRID)))
        sup = max(np.max(np.abs(ref.sigmoid_staircase(f, K, lam, x) - f.fn(x))) for x in np.array_split(fine, 5))
        assert 0.999 * sup <= on_grid <= sup * (1 + 1e-12), (name, K, lam, on_grid / sup)
    for K in (5, 10, 20, 40, 80):
        assert np.min(np.abs(STAIRCASE.GRID[:, None] - np.arange(K + 1)[None, :] / K), axis=0).max() < 1e-12


# -- sawtooth_depth ---------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 5, 13, 25])
def test_tent_closed_form(k):
    """The catalog's closed form T^k(x) = 1 - |2 frac(2^{k-1} x) - 1| on [0, 1)."""
    x = np.random.default_rng(k).uniform(0, 1, 1000)
    np.testing.assert_allclose(ref.tent_network(x, k), 1 - np.abs(2 * np.mod(2.0 ** (k - 1) * x, 1) - 1), atol=1e-12)


def test_pieces_and_shallow_upper_bound():
    """T^k has 2^k pieces; random shallow ReLU nets with u units have at most u + 1 pieces
    (counted on a grid containing their kinks)."""
    for k in range(0, 12):
        x = np.arange(2 ** (k + 3) + 1) / 2.0 ** (k + 3)
        assert ref.count_linear_pieces(ref.tent_network(x, k), x) == 2**k
    rng = np.random.default_rng(0)
    for u in range(1, 25):
        t = np.sort(rng.uniform(0.05, 0.95, u))
        c = rng.standard_normal(u)
        x = np.union1d(np.linspace(0, 1, 401), t)
        vals = np.maximum(x[:, None] - t[None, :], 0) @ c + 0.3
        assert ref.count_linear_pieces(vals, x) <= u + 1
        assert ref.count_linear_pieces(vals, x) == u + 1  # generic c: every kink is real


def test_count_tolerance_cases():
    """Exact comparison would count rounding noise on linspace grids; the relative 1e-6
    tolerance does not, and still sees a 1e-4 relative kink."""
    x = np.linspace(0.0, 1.0, 1001)
    f = np.interp(x, [0.0, 0.3, 0.7, 1.0], [0.1, 0.7, -0.1, 0.35])
    s = np.diff(f) / np.diff(x)
    assert np.count_nonzero(np.diff(s) != 0) > 2  # noise exists
    assert ref.count_linear_pieces(f, x) == 3
    x = np.linspace(0.0, 1.0, 101)
    assert ref.count_linear_pieces(np.where(x <= 0.5, 0.02 * x, 0.01 + 0.0201 * (x - 0.5)), x) == 2


def test_piecewise_generator():
    """The grader's generator makes exactly the stated number of pieces (checked by the
    independent second-difference count on exact dyadic... here by a dense resampling)."""
    mod = _grader_module("test_sawtooth_depth")
    for seed in range(30):
        rng = np.random.default_rng(seed)
        pieces = int(rng.integers(1, 31))
        f_vals, x = mod.piecewise(rng, pieces, slope_scale=float(10 ** rng.uniform(-3, 3)))
        assert np.all(np.diff(x) > 0)
        s = np.diff(f_vals) / np.diff(x)
        runs = 1 + np.count_nonzero(np.abs(np.diff(s)) > 1e-3 * np.abs(s).max())
        assert runs == pieces == ref.count_linear_pieces(f_vals, x)


def _grader_module(name):
    import importlib

    grader_helpers("ch16")  # puts graders/ on sys.path
    return importlib.import_module(f"ch16_universal_approximation.{name}")


# -- random_features --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_fit_vs_scipy_lstsq(seed):
    """Against scipy.linalg.lstsq (LAPACK gelsd, minimum norm) on the grader's
    well-conditioned features, over- and under-determined, both activations."""
    rng = np.random.default_rng(seed)
    M, N = [(8, 5), (40, 12), (6, 15), (1, 3), (9, 4), (50, 8)][seed]
    act = "tanh" if seed % 2 else "relu"
    x = np.sort(rng.uniform(-1, 1, M))
    w, b = H.spread_features(rng, N, scale=2.0 if act == "tanh" else 3.0)
    y = rng.standard_normal(M)
    z = np.outer(x, w) + b
    Phi = (np.maximum(z, 0) if act == "relu" else np.tanh(z)) / N
    want = scipy.linalg.lstsq(Phi, y, lapack_driver="gelsd")[0]
    got = ref.random_features_fit(x, y, w, b, act)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-9 * np.abs(want).max())
    xn = rng.uniform(-1, 1, 5)
    zn = np.outer(xn, w) + b
    np.testing.assert_allclose(ref.random_features_predict(xn, got, w, b, act), ((np.maximum(zn, 0) if act == "relu" else np.tanh(zn)) / N) @ got, rtol=1e-12)


def test_grader_cases_are_well_conditioned():
    """The value checks compare c with rtol 1e-7; least-squares solvers differ by up to
    ~cond²·eps, so the Φ of those checks must have cond < 1e3 on their non-zero singular
    values (the public cases and helpers.value_case over 300 seeds; over 2000 the worst is ≈ 300)."""
    def cond(x, w, b, act):
        s = np.linalg.svd(H.features(x, w, b, act), compute_uv=False)
        return 1.0 if s[0] == 0 else s[0] / s[s > 1e-12 * s[0]][-1]  # all-dead Φ: c = 0 for every solver

    worst = 0.0
    for seed in range(300):
        rng = np.random.default_rng(seed)
        cases = [(H.spread_points(rng, 15), *H.spread_features(rng, 5), "relu"), (H.spread_points(rng, 9), *H.spread_features(rng, 4, scale=2.0), "tanh")]
        x = H.spread_points(rng, 12, -1.0, 0.5)
        w, b = H.spread_features(rng, 4, -1.0, 0.5)
        cases.append((x, np.append(w, 2.0), np.append(b, -1.6), "relu"))
        cases.append((H.spread_points(rng, 6), *H.spread_features(rng, 15), "relu"))  # the min-norm check (N > M)
        cases += [H.value_case(rng, trial) for trial in range(4)]
        worst = max(worst, max(cond(*case) for case in cases))
    assert worst < 1e3, worst


def test_approximation_rate_calibration_short():
    """The statistical check on the reference, 60 seeds (the full 4000-seed sweep is
    bench/calibrate_ch16_random_features.py): no false failure, slopes far below -0.5."""
    slopes, failures = _bench("calibrate_ch16_random_features").slopes(range(60))
    assert failures == 0
    assert slopes.max() < -1.0 and -2.1 < slopes.mean() < -1.6


def test_approximation_rate_power():
    """The bias-dropped mutant (every kink at 0) fails the slope on every seed."""
    for seed in range(10):
        x, y, w, b = H.rf_problem(np.random.default_rng(seed))
        errs = []
        for N in H.RF_NS:
            Phi = np.maximum(np.outer(x, w[:N]), 0) / N
            c = np.linalg.lstsq(Phi, y, rcond=None)[0]
            errs.append(np.sqrt(np.mean((Phi @ c - y) ** 2)))
        assert H.loglog_slope(H.RF_NS, errs) > -0.1
