"""Plots for chapter 18 (see mathdl_cli/plots.py): the Robbins–Monro mean-square
rate in both regimes (2aλ > 1: slope -1; 2aλ < 1: slope -2aλ) and Polyak–Ruppert
averaging against the last iterate, on log-log axes beside the exact moments and the
theorem's constants. Public inputs only (the published parameters, noise from the
plot's seed); what is expected is computed here from the moment recursions."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_slope, positive

from ._helpers import POLYAK_PUBLIC, RM_PUBLIC, polyak_chains, polyak_moments, polyak_steps, rm_moments, rm_noise, rm_theory

CHAINS = 1000  # fewer than the graders' 2000: a picture, not a test


def robbins_monro_rate(student, rng):
    fig, ax = figure("ch18.robbins_monro_rate: SGD on λθ²/2, α_k = a/(k + k_0)", "step k", f"mean of θ_k² over {CHAINS} chains", xscale="log", yscale="log")
    legend, yours = [], {}
    for colour, (regime, p) in zip(("C0", "C3"), RM_PUBLIC.items()):
        p = {**p, "R": CHAINS}
        paths = as_array(student.sgd_decaying(p["theta0"], p["lam"], p["a"], p["k0"], rm_noise(rng, p)), "sgd_decaying")
        if paths.shape != (p["R"], p["K"] + 1):
            raise PlotError(f"sgd_decaying returned shape {paths.shape}, expected {(p['R'], p['K'] + 1)}")
        k = np.unique(np.geomspace(1, p["K"], 60).astype(np.int64))
        mean, cov = rm_moments(p, k)
        exact = mean**2 + np.diag(cov)
        ms = np.mean(paths[:, k] ** 2, axis=0)
        tail = k >= p["K"] // 10
        rate, const = rm_theory(p)
        two_al = 2 * p["a"] * p["lam"]
        theory = f"theory k^{rate:.2f}" + (f", k E θ_k² → a²σ²/(2aλ−1) = {const:.3f}" if two_al > 1 else "")
        legend += [f"yours, 2aλ = {two_al:.2f} (slope {fitted_slope(k[tail], ms[tail]):.2f} over k ≥ {p['K'] // 10})", f"exact E θ_k² (slope {fitted_slope(k[tail], exact[tail]):.2f}); {theory}"]
        ax.plot(k, exact, "-", color=colour, lw=6, alpha=0.3, label=legend[-1])
        if two_al > 1:
            ax.plot(k, const / k, ":", color="grey", lw=1.5)
        ax.plot(k, positive(ms), "o-", color=colour, ms=2.5, lw=1.2, label=legend[-2])
        yours[regime] = ms
    ax.legend(fontsize=7)
    return Drawn(fig, yours, legend)


def polyak_averaging(student, rng):
    p = {**POLYAK_PUBLIC, "R": CHAINS}
    thetas = np.asarray(polyak_chains(rng, p))  # the plot reads the last iterates too
    avg = as_array(student.averaged_iterates(thetas), "averaged_iterates")
    if avg.shape != (p["R"], p["K"]):
        raise PlotError(f"averaged_iterates returned shape {avg.shape}, expected {(p['R'], p['K'])}")
    k = np.unique(np.geomspace(1, p["K"], 40).astype(np.int64))
    mean, cov = polyak_moments(p, k)
    exact = mean**2 + np.diag(cov)
    yours = np.mean((avg[:, k - 1] - p["theta_star"]) ** 2, axis=0)
    last = np.mean((thetas[:, k] - p["theta_star"]) ** 2, axis=0)
    optimal = p["sigma"] ** 2 / (p["lam"] ** 2 * k)
    tail = k >= p["K"] // 10
    fig, ax = figure(f"ch18.polyak_averaging: α_k = {p['a']:g}(k+1)^(−0.6), λ = {p['lam']:g}, σ = {p['sigma']:g}", "step k", "mean square error over 1000 chains", xscale="log", yscale="log")
    legend = [
        f"your averages θ̄_k (slope {fitted_slope(k[tail], yours[tail]):.2f}; K·MSE·λ²/σ² = {p['K'] * yours[-1] * p['lam'] ** 2 / p['sigma'] ** 2:.2f})",
        f"exact E(θ̄_k − θ*)² (slope {fitted_slope(k[tail], exact[tail]):.2f})",
        "optimal σ²/(λ² k) (slope −1, constant 1)",
        f"last iterate θ_k (slope {fitted_slope(k[tail], last[tail]):.2f}; theory α_k σ²/(2λ) ~ k^(−0.6))",
    ]
    ax.plot(k, exact, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(k, optimal, ":", color="grey", lw=1.5, label=legend[2])
    ax.plot(k, last, "-", color="C7", lw=1.2, label=legend[3])
    ax.plot(k, polyak_steps(p)[k - 1] * p["sigma"] ** 2 / (2 * p["lam"]), "--", color="C7", lw=0.8)
    ax.plot(k, positive(yours), "o-", color="C0", ms=3, lw=1.5, label=legend[0])
    ax.legend(fontsize=7)
    return Drawn(fig, {"mean_square": yours}, legend)


PLOTS = {"robbins_monro_rate": robbins_monro_rate, "polyak_averaging": polyak_averaging}
