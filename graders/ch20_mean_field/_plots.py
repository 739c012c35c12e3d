"""Plots for chapter 20 (see mathdl_cli/plots.py): the size of the output at
initialisation against N for γ = ½, ¾, 1 (beside the exact variance
N^(1-2γ) E[c²] E[σ(w·x)²]), and the law of large numbers of the trained network
(its spread over initialisations against N: slope -½ for γ = 1, flat for γ = ½), on
log-log axes. Public inputs only (the graders' public parameters, networks and
stream from the plot's seed); what is expected is computed here."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_slope, positive

from ._helpers import GAMMAS, LLN_GAMMAS, gaussian_nets, lln_case, outputs, unit_rows


def tanh_second_moment(r: float) -> float:
    """E[tanh(w·x)²] for w ~ N(0, I), ‖x‖ = r: w·x ~ N(0, r²), by Gauss–Hermite quadrature."""
    z, weights = np.polynomial.hermite_e.hermegauss(80)
    return float(np.sum(weights * np.tanh(r * z) ** 2) / np.sqrt(2 * np.pi))


def output_scaling(student, rng):
    R, Ns = 100, np.array([10, 30, 100, 300, 1_000, 3_000])  # up to 3000, not 10⁴: each call ships W
    x = unit_rows(rng, 1, 2)[0] * float(rng.uniform(0.8, 1.5))  # as the graders' public case: d = 2, tanh
    var = np.empty((len(Ns), len(GAMMAS)))
    for i, (c, W) in enumerate(gaussian_nets(rng, R, int(N), len(x)) for N in Ns):
        for j, gamma in enumerate(GAMMAS):
            var[i, j] = float(as_array(student.init_output_variance(c, W, x, gamma, "tanh"), "init_output_variance"))
    m2 = tanh_second_moment(float(np.linalg.norm(x)))
    fig, ax = figure(f"ch20.output_scaling: Var of g^(N,γ)_0(x) over R = {R} initialisations", "width N", "variance of the output at initialisation", xscale="log", yscale="log")
    legend = []
    for j, (gamma, colour) in enumerate(zip(GAMMAS, ("C0", "C2", "C3"))):
        exact = Ns ** (1 - 2 * gamma) * m2  # E[c²] = 1
        legend += [f"yours, γ = {gamma:g} (slope {fitted_slope(Ns, var[:, j]):.2f})", f"exact N^(1−2γ) E[c²]E[σ²] (slope {1 - 2 * gamma:g})"]
        ax.plot(Ns, exact, "-", color=colour, lw=6, alpha=0.3, label=legend[-1])
        ax.plot(Ns, positive(var[:, j]), "o-", color=colour, ms=4, lw=1.5, label=legend[-2])
    ax.legend(fontsize=7, ncol=1)
    return Drawn(fig, {f"gamma={g:g}": var[:, j] for j, g in enumerate(GAMMAS)}, legend)


LLN_PLOT_WIDTHS = np.array([10, 25, 50, 100, 200, 400])


def lln_convergence(student, rng):
    case = lln_case(rng, hidden=False, widest=int(LLN_PLOT_WIDTHS.max()))  # d = 5, 20 samples, α = 1, t = 0.5, 16 test inputs
    d, R = case["X"].shape[1], 20
    nets = [gaussian_nets(rng, R, int(N), d) for N in LLN_PLOT_WIDTHS]
    sds = np.empty((len(LLN_GAMMAS), len(LLN_PLOT_WIDTHS)))
    for j, gamma in enumerate(LLN_GAMMAS):
        for i, (c0, W0) in enumerate(nets):
            got = student.train_mf(c0, W0, case["X"], case["y"], case["idx"], case["alpha"], case["t"], "tanh", gamma)
            if not isinstance(got, (list, tuple)) or len(got) != 2:
                raise PlotError("train_mf must return (c, W)")
            c, W = as_array(got[0], "c"), as_array(got[1], "W")
            if c.shape != c0.shape or W.shape != W0.shape:
                raise PlotError(f"train_mf returned shapes {c.shape}, {W.shape}, expected {c0.shape}, {W0.shape}")
            # the spread over initialisations, pooled over the test inputs
            sds[j, i] = np.sqrt(np.mean(np.var(outputs(c, W, case["X_test"], gamma), axis=0, ddof=1)))
    Ns = LLN_PLOT_WIDTHS
    fig, ax = figure(f"ch20.lln_convergence: spread of g^N_t over {R} initialisations, t = {case['t']:g}", "width N", "s.d. over initialisations (pooled over 16 inputs)", xscale="log", yscale="log")
    legend = []
    for j, (gamma, want, colour) in enumerate(zip(LLN_GAMMAS, (-0.5, 0.0), ("C0", "C3"))):
        regime = "law of large numbers" if gamma == 1.0 else "kernel regime, no limit"
        legend += [f"yours, γ = {gamma:g} (slope {fitted_slope(Ns, sds[j]):.2f})", f"theory, {regime}: slope {want:g}"]
        if np.all(np.isfinite(sds[j]) & (sds[j] > 0)):  # the theory's line through the curve's geometric mean
            level = np.exp(np.mean(np.log(sds[j]) - want * np.log(Ns)))
            ax.plot(Ns, level * Ns**want, "-", color=colour, lw=6, alpha=0.25, label=legend[-1])
        ax.plot(Ns, positive(sds[j]), "o-", color=colour, ms=4, lw=1.5, label=legend[-2])
    ax.legend(fontsize=8)
    return Drawn(fig, {f"gamma={g:g}": sds[j] for j, g in enumerate(LLN_GAMMAS)}, legend)


PLOTS = {"output_scaling": output_scaling, "lln_convergence": lln_convergence}
