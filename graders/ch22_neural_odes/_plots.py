"""Plots for chapter 22 (see mathdl_cli/plots.py): the orders of Euler and RK4, the
error at T against the step h on log-log axes, beside the same recursions computed
here and the theorem's orders 1 and 4 (and your empirical_order on your errors).
Public inputs only (a field from the plot's seed); the exact x(T) is a fine RK4
solve in this process."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_slope, positive

from ._helpers import order_case

NS = {"euler": np.array([5, 10, 20, 40, 80, 160]), "rk4": np.array([2, 4, 8, 16, 32])}
ORDER = {"euler": 1, "rk4": 4}


def solve(name, f, x0, t0, T, n):
    """x_n of the docstring's recursion, in this process (f.local: no call log)."""
    h, x = (T - t0) / n, x0.copy()
    for k in range(n):
        t = t0 + k * h
        if name == "euler":
            x = x + h * f.local(t, x)
            continue
        k1 = f.local(t, x)
        k2 = f.local(t + h / 2, x + h / 2 * k1)
        k3 = f.local(t + h / 2, x + h / 2 * k2)
        k4 = f.local(t + h, x + h * k3)
        x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def ode_solvers(student, rng):
    f, x0, t0, T = order_case(rng)  # tanh(Wx + b) + sin(ωt)c on [t0, t0 + 1], 4 starts in ℝ³
    truth = solve("rk4", f, x0, t0, T, 800)  # error ~1e-14: under 1e-5 of the smallest error plotted
    fig, ax = figure("ch22.ode_solvers: error at T of Euler and RK4 on a non-autonomous field", "step h", "‖x_n − x(T)‖", xscale="log", yscale="log")
    legend, yours = [], {}
    for name, colour in (("euler", "C0"), ("rk4", "C3")):
        ns = NS[name]
        hs = (T - t0) / ns
        errs = []
        for n in ns:
            traj = as_array(getattr(student, name)(f.in_child(), x0, t0, T, int(n)), name)
            if traj.shape != (n + 1,) + x0.shape:
                raise PlotError(f"{name} returned shape {traj.shape}, expected {(n + 1,) + x0.shape}")
            errs.append(np.linalg.norm(traj[-1] - truth))
        errs = np.array(errs)
        want = np.array([np.linalg.norm(solve(name, f, x0, t0, T, int(n)) - truth) for n in ns])
        try:
            order = float(as_array(student.empirical_order(errs, hs), "empirical_order"))
        except PlotError:
            order = float("nan")  # the solvers' curves are still worth seeing
        label = "Euler" if name == "euler" else "RK4"
        legend += [
            f"your {label} (fitted slope {fitted_slope(hs, errs):.2f}; your empirical_order {order:.2f})",
            f"{label} recursion (slope {fitted_slope(hs, want):.2f}); theorem: order {ORDER[name]}",
        ]
        ax.plot(hs, want, "-", color=colour, lw=6, alpha=0.3, label=legend[-1])
        ax.plot(hs, want[-1] * (hs / hs[-1]) ** ORDER[name], ":", color="grey", lw=1.2)
        ax.plot(hs, positive(errs), "o-", color=colour, ms=4, lw=1.5, label=legend[-2])
        yours[name] = errs
    ax.legend(fontsize=7)
    return Drawn(fig, yours, legend)


PLOTS = {"ode_solvers": ode_solvers}
