"""Plots for chapter 17 (see mathdl_cli/plots.py): gradient descent's linear
contraction on a quadratic (log axis, closed form and the bound q^k with your q),
and the sublinear O(1/k) rate of a convex, L-smooth objective (log-log, closed form
and the theorem's bound). Public inputs only; what is expected is computed here."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_factor, fitted_slope, positive

from ._helpers import quadratic_closed_form, spd


def gd_quadratic_rate(student, rng):
    d, K = 3, 40
    mu, L = float(rng.uniform(0.1, 0.2)), 1.0
    A, _ = spd(rng, [mu, float(rng.uniform(0.3, 0.7)), L])
    b, theta0 = rng.standard_normal(d), 3 * rng.standard_normal(d)
    lr = 2.0 / (L + mu)  # the optimal step: both ends of the spectrum contract alike
    traj = as_array(student.gd_quadratic(A, b, theta0, lr, K), "gd_quadratic")
    if traj.shape != (K + 1, d):
        raise PlotError(f"gd_quadratic returned shape {traj.shape}, expected {(K + 1, d)}")
    q_yours = float(as_array(student.contraction_factor(mu, L, lr), "contraction_factor"))
    star = np.linalg.solve(A, b)
    k = np.arange(K + 1)
    yours = np.linalg.norm(traj - star, axis=1)
    exact = np.linalg.norm(quadratic_closed_form(A, b, theta0, lr, K) - star, axis=1)
    q = (L / mu - 1) / (L / mu + 1)
    fig, ax = figure(f"ch17.gd_quadratic_rate: η = 2/(L + μ), μ = {mu:.3f}, L = {L:g}", "iteration k", "‖θ_k − θ*‖", yscale="log")
    legend = [
        f"yours (factor {fitted_factor(yours):.3f} per step)",
        f"closed form (factor {fitted_factor(exact):.3f})",
        f"bound q^k‖θ_0 − θ*‖, (κ−1)/(κ+1) = {q:.3f}",
        f"your bound, contraction_factor = {q_yours:.3f}",
    ]
    ax.plot(k, positive(exact), "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(k, q**k * exact[0], "-", color="grey", lw=3, alpha=0.5, label=legend[2])
    ax.plot(k, positive(q_yours**k * exact[0]), "--", color="C2", lw=1.2, label=legend[3])
    ax.plot(k, positive(yours), "o-", color="C0", ms=3, lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"error": yours, "q": np.array([q_yours])}, legend)


def convex_sublinear(student, rng):
    # h_j = j⁻² (L = 1, μ = n⁻²), η = 1, (θ_0 - θ*)_j = ±j^(-1/2): Λ(θ_k) ~ 1/k for k ≪ n²
    n, K, lr = 1000, 10_000, 1.0
    j = np.arange(1, n + 1)
    h = j**-2.0
    theta_star = rng.standard_normal(n)
    theta0 = theta_star + rng.choice([-1.0, 1.0], n) * j**-0.5
    fvals = as_array(student.gd_separable_quadratic(h, theta_star, theta0, lr, K), "gd_separable_quadratic")
    if fvals.shape != (K + 1,):
        raise PlotError(f"gd_separable_quadratic returned shape {fvals.shape}, expected {(K + 1,)}")
    ratios = as_array(student.check_sublinear_bound(fvals, 0.0, theta0, theta_star, lr), "check_sublinear_bound")
    if ratios.shape != (K,):
        raise PlotError(f"check_sublinear_bound returned shape {ratios.shape}, expected {(K,)}")
    ks = np.unique(np.geomspace(1, K, 120).astype(int))
    e2 = (theta0 - theta_star) ** 2
    exact = 0.5 * ((1 - lr * h)[None, :] ** (2 * ks[:, None]) * h * e2).sum(axis=1)  # closed form at the ks
    bound = e2.sum() / (2 * lr * ks)
    yours = fvals[ks]
    tail = ks >= 100
    fig, ax = figure("ch17.convex_sublinear: GD on ½ Σ j⁻² (θ_j − θ*_j)², n = 1000, η = 1/L", "iteration k", "Λ(θ_k) − Λ*", xscale="log", yscale="log")
    legend = [
        f"yours (slope {fitted_slope(ks[tail], yours[tail]):.3f} over k ≥ 100; your max ratio to the bound {np.nanmax(ratios):.3f})",
        f"closed form (slope {fitted_slope(ks[tail], exact[tail]):.3f})",
        "bound ‖θ_0 − θ*‖² / (2ηk) (slope −1)",
    ]
    ax.plot(ks, exact, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(ks, bound, ":", color="grey", lw=1.5, label=legend[2])
    ax.plot(ks, positive(yours), "-", color="C0", lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"values": yours, "ratios": ratios}, legend)


PLOTS = {"gd_quadratic_rate": gd_quadratic_rate, "convex_sublinear": convex_sublinear}
