"""Plots for chapter 16 (see mathdl_cli/plots.py): approximation error against the
number of units on log-log axes, the fitted slope beside the theorem's rate. Public
inputs only; what is expected is computed here from the docstring's closed forms
(np.interp for the interpolant, the least-squares fit on the same features)."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_slope, positive

from ._helpers import RF_NS, features, network, rf_errors, rf_problem


def relu_interpolant(student, rng):
    # f = sin(ωx + φ) on [0, π] with uniform knots, h = π/K: sup|N - f| ≤ (h²/8) sup|f''| = h²ω²/8
    omega, phi = float(rng.uniform(0.8, 1.5)), float(rng.uniform(0, np.pi))
    f = lambda x: np.sin(omega * x + phi)  # noqa: E731
    Ks = 2 ** np.arange(2, 9)  # K = 4 .. 256
    grid = np.linspace(0.0, np.pi, 4001)
    yours, want = [], []
    for K in Ks:
        knots = np.linspace(0.0, np.pi, K + 1)
        got = student.relu_interpolant(knots, f(knots))
        if not isinstance(got, (list, tuple)) or len(got) != 3:
            raise PlotError("relu_interpolant must return (a_0, c, t)")
        a0, c, t = float(as_array(got[0], "a_0")), as_array(got[1], "c"), as_array(got[2], "t")
        if c.shape != (K,) or t.shape != (K,):
            raise PlotError(f"relu_interpolant returned c, t of shapes {c.shape}, {t.shape}, expected ({K},)")
        yours.append(np.max(np.abs(network(a0, c, t, grid) - f(grid))))
        want.append(np.max(np.abs(np.interp(grid, knots, f(knots)) - f(grid))))
    h = np.pi / Ks
    yours, want = np.array(yours), np.array(want)
    bound = h**2 * omega**2 / 8
    fig, ax = figure(f"ch16.relu_interpolant: sin({omega:.2f}x + {phi:.2f}) on [0, π], K ReLU units", "knot spacing h = π/K", "sup |N − f| on a fine grid", xscale="log", yscale="log")
    legend = [f"yours (fitted slope {fitted_slope(h, yours):.2f})", f"linear interpolant (slope {fitted_slope(h, want):.2f})", "theorem: h² sup|f''| / 8 (slope 2)"]
    ax.plot(h, want, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(h, bound, ":", color="grey", lw=1.5, label=legend[2])
    ax.plot(h, positive(yours), "o-", color="C0", ms=4, lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"error": yours}, legend)


def random_features(student, rng):
    x, y, w, b = rf_problem(rng)
    Ns = np.array(RF_NS)
    preds = []
    for N in Ns:
        c = as_array(student.random_features_fit(x, y, w[:N], b[:N]), "random_features_fit")
        if c.shape != (N,):
            raise PlotError(f"random_features_fit returned shape {c.shape}, expected ({N},)")
        p = as_array(student.random_features_predict(x, c, w[:N], b[:N]), "random_features_predict")
        if p.shape != y.shape:
            raise PlotError(f"random_features_predict returned shape {p.shape}, expected {y.shape}")
        preds.append(p)
    yours = rf_errors(preds, y)
    want = rf_errors([(P := features(x, w[:N], b[:N], "relu")) @ np.linalg.lstsq(P, y, rcond=None)[0] for N in Ns], y)
    fig, ax = figure(f"ch16.random_features: nested ReLU features fitted on {len(x)} points", "number of features N", "RMS error on the data", xscale="log", yscale="log")
    legend = [f"yours (fitted slope {fitted_slope(Ns, yours):.2f})", f"least squares (slope {fitted_slope(Ns, want):.2f})", "Monte Carlo rate N^(−1/2) (the theorem's worst case)"]
    ax.plot(Ns, want, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(Ns, want[0] * (Ns / Ns[0]) ** -0.5, ":", color="grey", lw=1.5, label=legend[2])
    ax.plot(Ns, positive(yours), "o-", color="C0", ms=4, lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"error": yours}, legend)


PLOTS = {"relu_interpolant": relu_interpolant, "random_features": random_features}
