"""Plots for chapter 13 (see mathdl_cli/plots.py): how the hidden-state
Jacobian ‖∂h_t/∂h_0‖ of a linear RNN shrinks through time, against matrix
powers computed here and the spectral radius ρ(W)^t."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_factor, positive


def linear_rnn_jacobian(student, rng):
    n, T, rho = 6, 40, 0.85
    W = rng.standard_normal((n, n))
    W *= rho / np.max(np.abs(np.linalg.eigvals(W)))  # spectral radius exactly ρ
    yours = as_array(student.hidden_jacobian_norms(W, None, T), "hidden_jacobian_norms")
    if yours.shape != (T,):
        raise PlotError(f"hidden_jacobian_norms returned shape {yours.shape}, expected {(T,)}")
    want = np.array([np.linalg.norm(np.linalg.matrix_power(W, t), 2) for t in range(1, T + 1)])
    t = np.arange(1, T + 1)
    fig, ax = figure("ch13.linear_rnn_jacobian: vanishing gradients through time", "t", "‖∂h_t/∂h_0‖₂ = ‖W^t‖₂", yscale="log")
    legend = [f"yours (factor {fitted_factor(yours):.3f} per step)", f"expected (factor {fitted_factor(want):.3f})", f"ρ(W)^t, ρ(W) = {rho}"]
    ax.plot(t, want, "-", color="C1", lw=6, alpha=0.35, label=legend[1])
    ax.plot(t, rho**t, ":", color="grey", label=legend[2])
    ax.plot(t, positive(yours), "o-", color="C0", ms=3, lw=1.5, label=legend[0])
    ax.legend(fontsize=8)
    return Drawn(fig, {"norms": yours}, legend)


PLOTS = {"linear_rnn_jacobian": linear_rnn_jacobian}
