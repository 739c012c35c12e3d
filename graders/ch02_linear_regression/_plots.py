"""Plots for chapter 2 (see mathdl_cli/plots.py): gradient descent's contraction
on a log axis against the closed form and the bound, and the overfitting curve.
Public inputs only; what is expected is computed here in closed form."""

import numpy as np

from mathdl_cli.plots import Drawn, as_array, figure, fitted_factor, positive

from ._data import regression


def gd_least_squares(student, rng):
    M, d, K = 40, 2, 60
    X, y = regression(rng, M, d)
    X[:, 1] = 0.6 * X[:, 0] + 0.8 * X[:, 1]  # correlated features: a slow, visible contraction
    Xt = np.column_stack([X, np.ones(M)])
    lam, Q = np.linalg.eigh(Xt.T @ Xt / M)
    mu, L = lam.min(), lam.max()
    lr = 1.0 / L
    theta0 = 3 * rng.standard_normal(d + 1)
    theta_star = np.linalg.lstsq(Xt, y, rcond=None)[0]
    traj = as_array(student.gd_least_squares(X, y, theta0, lr, K), "gd_least_squares")
    if traj.shape != (K + 1, d + 1):
        from mathdl_cli.plots import PlotError

        raise PlotError(f"gd_least_squares returned shape {traj.shape}, expected {(K + 1, d + 1)}")
    k = np.arange(K + 1)
    yours = np.linalg.norm(traj - theta_star, axis=1)
    c = Q.T @ (theta0 - theta_star)
    exact = np.linalg.norm(c * (1.0 - lr * lam) ** k[:, None], axis=1)  # Q is orthogonal
    bound = (1 - mu / L) ** k * exact[0]
    fig, ax = figure("ch02.gd_least_squares: gradient descent, η = 1/L", "iteration k", "‖θ_k − θ*‖", yscale="log")
    q_yours, q_exact = fitted_factor(yours), fitted_factor(exact)
    legend = [f"yours (factor {q_yours:.3f} per step)", f"closed form (factor {q_exact:.3f})", f"bound (1 − μ/L)^k, 1 − μ/L = {1 - mu / L:.3f}"]
    ax.plot(k, positive(exact), "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(k, bound, ":", color="grey", lw=1.5, label=legend[2])
    ax.plot(k, positive(yours), "o-", color="C0", ms=3, lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"error": yours}, legend)


def poly_design(student, rng):
    M, N = 12, 60
    f = lambda x: np.sin(3 * x)  # noqa: E731
    x_tr, x_te = rng.uniform(-1, 1, M), rng.uniform(-1, 1, N)
    y_tr, y_te = f(x_tr) + 0.1 * rng.standard_normal(M), f(x_te) + 0.1 * rng.standard_normal(N)
    degrees = list(range(M - 2))  # up to p = 9: beyond, the test error explodes off the scale
    got = student.train_test_curve(x_tr, y_tr, x_te, y_te, degrees)
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        from mathdl_cli.plots import PlotError

        raise PlotError("train_test_curve must return (train MSE, test MSE)")
    train, test = as_array(got[0], "train MSE"), as_array(got[1], "test MSE")
    want_tr, want_te = [], []
    for p in degrees:
        A = np.vander(x_tr, p + 1, increasing=True)
        theta = np.linalg.lstsq(A, y_tr, rcond=None)[0]
        want_tr.append(np.mean((y_tr - A @ theta) ** 2))
        want_te.append(np.mean((y_te - np.vander(x_te, p + 1, increasing=True) @ theta) ** 2))
    best = int(np.nanargmin(np.where(np.isfinite(test), test, np.nan))) if np.isfinite(test).any() else -1
    fig, ax = figure(f"ch02 overfitting: polynomial fits to M = {M} points", "degree p", "mean squared error", yscale="log")
    legend = [f"your test MSE (lowest at p = {best})", "your training MSE", f"expected test MSE (lowest at p = {int(np.argmin(want_te))})", "expected training MSE"]
    ax.plot(degrees, want_te, "-", color="C3", alpha=0.3, lw=6, label=legend[2])
    ax.plot(degrees, positive(np.array(want_tr)), "-", color="C0", alpha=0.3, lw=6, label=legend[3])
    ax.plot(degrees, positive(test), "o-", color="C3", ms=4, label=legend[0])
    ax.plot(degrees, positive(train), "o-", color="C0", ms=4, label=legend[1])
    ax.legend(fontsize=8)
    return Drawn(fig, {"train": train, "test": test}, legend)


PLOTS = {"gd_least_squares": gd_least_squares, "poly_design": poly_design}
