"""Plots for chapter 8 (see mathdl_cli/plots.py): optimisers on an
ill-conditioned quadratic f(θ) = θᵀAθ/2, the student's step function iterated
against the same iteration computed here, on a log axis."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_factor, positive


def _problem(rng):
    a = np.array([1.0, 0.3, float(rng.uniform(0.02, 0.03))])  # eigenvalues of A: κ ≈ 40
    return a, np.array([1.0, -1.0, 1.0])


def _run(step, theta, K, name):
    """Iterate ``step(theta, state, k) -> (theta, state)``; one child call per step."""
    out = [theta]
    for k in range(1, K + 1):
        theta = step(theta, k)
        theta = as_array(theta, name)
        if theta.shape != out[0].shape:
            raise PlotError(f"{name} returned θ of shape {theta.shape}, expected {out[0].shape}")
        out.append(theta)
    return np.array(out)


def momentum(student, rng):
    a, theta0 = _problem(rng)
    L, mu = a.max(), a.min()
    lr = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2  # Polyak's tuning of the heavy ball
    beta = ((np.sqrt(L) - np.sqrt(mu)) / (np.sqrt(L) + np.sqrt(mu))) ** 2
    K = 80

    def run(fn, name):
        v = np.zeros_like(theta0)

        def step(theta, k):
            nonlocal v
            got = fn(theta, v, a * theta, lr, beta)
            if not isinstance(got, (list, tuple)) or len(got) != 2:
                raise PlotError(f"{name} must return (theta, v)")
            v = as_array(got[1], name)
            return got[0]

        return _run(step, theta0, K, name)

    def heavy_ball(theta, v, g, lr, mu):
        v = mu * v + g
        return theta - lr * v, v

    yours = np.linalg.norm(run(student.momentum_step, "momentum_step"), axis=1)
    want = np.linalg.norm(run(heavy_ball, "heavy ball"), axis=1)
    rate = np.sqrt(beta)
    k = np.arange(K + 1)
    fig, ax = figure("ch08.momentum: heavy ball on an ill-conditioned quadratic (κ ≈ 40)", "step k", "‖θ_k − θ*‖", yscale="log")
    legend = [f"yours (factor {fitted_factor(yours):.3f} per step)", f"expected (factor {fitted_factor(want):.3f})", f"rate (√κ − 1)/(√κ + 1) = {rate:.3f}"]
    ax.plot(k, want, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(k, want[0] * rate**k, ":", color="grey", label=legend[2])
    ax.plot(k, positive(yours), "-", color="C0", lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"error": yours}, legend)


def adam(student, rng):
    a, theta0 = _problem(rng)
    K, lr = 150, 0.05

    def run(fn, name):
        s = np.zeros_like(theta0)
        r = np.zeros_like(theta0)

        def step(theta, k):
            nonlocal s, r
            got = fn(theta, s, r, a * theta, k, lr)
            if not isinstance(got, (list, tuple)) or len(got) != 3:
                raise PlotError(f"{name} must return (theta, s, r)")
            s, r = as_array(got[1], name), as_array(got[2], name)
            return got[0]

        return _run(step, theta0, K, name)

    def reference_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
        s = rho1 * s + (1 - rho1) * g
        r = rho2 * r + (1 - rho2) * g * g
        return theta - lr * (s / (1 - rho1**k)) / (delta + np.sqrt(r / (1 - rho2**k))), s, r

    loss = lambda th: 0.5 * np.sum(a * th**2, axis=1)  # noqa: E731
    yours = loss(run(student.adam_step, "adam_step"))
    want = loss(run(reference_step, "Adam"))
    k = np.arange(K + 1)
    fig, ax = figure(f"ch08.adam: Adam (η = {lr}) on an ill-conditioned quadratic", "step k", "f(θ_k) = θᵀAθ/2", yscale="log")
    legend = [f"yours (f after {K} steps: {yours[-1]:.2e})", f"expected ({want[-1]:.2e})"]
    ax.plot(k, want, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(k, positive(yours), "-", color="C0", lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"loss": yours}, legend)


PLOTS = {"momentum": momentum, "adam": adam}
