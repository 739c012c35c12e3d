"""Plots for chapter 7 (see mathdl_cli/plots.py): SGD's noise floor on a
quadratic, the mean square over many chains against the closed form."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_factor


def sgd_noise_floor(student, rng):
    R, K = 400, 120
    theta0, lam, alpha, sigma = 3.0, float(rng.uniform(0.8, 1.2)), 0.1, 0.5
    xi = sigma * rng.standard_normal((R, K))
    paths = as_array(student.sgd_quadratic_noise(theta0, lam, alpha, xi), "sgd_quadratic_noise")
    if paths.shape != (R, K + 1):
        raise PlotError(f"sgd_quadratic_noise returned shape {paths.shape}, expected {(R, K + 1)}")
    k = np.arange(K + 1)
    q2 = (1 - alpha * lam) ** 2
    floor = alpha**2 * sigma**2 / (1 - q2)  # E θ_∞² for θ_{k+1} = (1 - αλ) θ_k - α ξ_k
    theory = q2**k * theta0**2 + floor * (1 - q2**k)
    yours = np.mean(paths**2, axis=0)
    transient = slice(0, 25)
    fig, ax = figure("ch07.sgd_noise_floor: SGD on λθ²/2 with gradient noise", "step k", "mean of θ_k² over 400 chains", yscale="log")
    legend = [
        f"yours (transient factor {fitted_factor(np.abs(yours - floor)[transient]):.3f}, floor {np.mean(yours[-40:]):.2e})",
        f"closed form (factor (1 − αλ)² = {q2:.3f}, floor {floor:.2e})",
    ]
    ax.plot(k, theory, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.axhline(floor, color="grey", ls=":", lw=1.2)
    ax.plot(k, yours, "-", color="C0", lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"mean_square": yours}, legend)


PLOTS = {"sgd_noise_floor": sgd_noise_floor}
