"""Plots for chapter 7 (see mathdl_cli/plots.py): SGD with a decreasing step on
a log-log axis (the fitted rate beside the same recursion computed here), and
SGD's noise floor on a quadratic, the mean square over many chains against the
closed form."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_factor, fitted_slope, positive

from ._helpers import QuadraticGrad, Schedule


def sgd(student, rng):
    # Λ(θ) = (1/M) Σ_m ½ (θ - c_m)ᵀ A (θ - c_m), every sample in every step, α_k = a/(k + k0):
    # along the slowest eigenvector the error is Π_j (1 - aλ/(j + k0)) ≈ C k^(-aλ), so
    # ‖θ_k - θ*‖² falls like k^(-2aλ_min) on a log-log plot
    M, K, a, k0 = 20, 200, 1.0, 3.0
    lam = np.array([2.0, float(rng.uniform(0.6, 0.8))])
    Q, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    A = (Q * lam) @ Q.T
    centres = rng.standard_normal((M, 2))
    theta_star = centres.mean(axis=0)
    batches = [np.arange(M, dtype=np.int64) for _ in range(K)]
    theta0 = theta_star + 3 * rng.standard_normal(2)
    schedule = Schedule("harmonic", a, k0)
    traj = as_array(student.sgd(QuadraticGrad(A, centres), theta0, batches, schedule), "sgd")
    if traj.shape != (K + 1, 2):
        raise PlotError(f"sgd returned shape {traj.shape}, expected {(K + 1, 2)}")
    want = [theta0]
    for k in range(K):
        want.append(want[-1] - schedule(k) * (A @ (want[-1] - theta_star)))
    k = np.arange(1, K + 2)
    yours = np.sum((traj - theta_star) ** 2, axis=1)
    expected = np.sum((np.array(want) - theta_star) ** 2, axis=1)
    slope = -2 * a * lam.min()
    tail = slice(K // 4, None)  # the rate is asymptotic: fit the last three quarters
    fig, ax = figure(f"ch07.sgd: full-batch steps α_k = {a:g}/(k + {k0:g}) on a quadratic", "step k + 1", "‖θ_k − θ*‖²", xscale="log", yscale="log")
    legend = [f"yours (fitted slope {fitted_slope(k[tail], yours[tail]):.2f})", f"expected (slope {fitted_slope(k[tail], expected[tail]):.2f})", f"theory: slope −2aλ_min = {slope:.2f}"]
    ax.plot(k, expected, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(k, expected[-1] * (k / k[-1]) ** slope, ":", color="grey", label=legend[2])
    ax.plot(k, positive(yours), "-", color="C0", lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"error": yours}, legend)


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


PLOTS = {"sgd": sgd, "sgd_noise_floor": sgd_noise_floor}
