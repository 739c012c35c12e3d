"""Plots for chapter 19 (see mathdl_cli/plots.py): lazy training. Over a sweep of
widths N, how far the hidden weights move and how far the trained network is from
gradient descent on its linearisation (the kernel regime), on log-log axes beside
the theorem's N^(-1/2). Public inputs only (the graders' public sweep parameters,
initialisations from the plot's seed); the kernel is the empirical NTK's closed
form, computed here."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, fitted_slope, positive

from ._helpers import activate, antisymmetric_net, lazy_case, linearised_gd, two_layer

WIDTHS = np.array([100, 300, 1_000, 3_000, 10_000])
REPLICATES = (16, 10, 6, 4, 3)  # the deviation's logarithm has s.d. about 0.45 per initialisation


def ntk(c, W, X1, X2):
    """Θ^N(x, x') = (1/N) Σ_i [σ(w^i·x)σ(w^i·x') + (c^i)² σ'(w^i·x)σ'(w^i·x') x·x'] (ReLU)."""
    s1, d1 = activate(X1 @ W.T, "relu")
    s2, d2 = activate(X2 @ W.T, "relu")
    return (s1 @ s2.T + ((d1 * c**2) @ d2.T) * (X1 @ X2.T)) / len(c)


def wide_network_tracks_kernel(student, rng):
    case = lazy_case(rng, hidden=False)  # d = 3, M = 5, η = 0.02, t = ηK = 2
    X, X_all, y, lr, K = case["X"], case["X_all"], case["y"], case["lr"], case["n_steps"]
    d = X.shape[1]
    move, dev = [], []
    for N, R in zip(WIDTHS, REPLICATES):
        m_w, d_w = [], []
        for _ in range(R):
            c0, W0 = antisymmetric_net(rng, int(N), d)
            got = student.train_wide_net(c0, W0, X, y, lr, K, X_all, "relu")
            if not isinstance(got, (list, tuple)) or len(got) != 3:
                raise PlotError("train_wide_net must return (c_K, W_K, predictions)")
            W_K, out = as_array(got[1], "W_K"), as_array(got[2], "predictions")
            if W_K.shape != W0.shape or out.shape != (X_all.shape[0],):
                raise PlotError(f"train_wide_net returned W_K, predictions of shapes {W_K.shape}, {out.shape}, expected {W0.shape}, ({X_all.shape[0]},)")
            h0 = two_layer(c0, W0, X_all, "relu", 0.5)
            lin = linearised_gd(ntk(c0, W0, X_all, X), h0, y, lr, K)
            d_w.append(np.linalg.norm(out - lin) / np.linalg.norm(lin - h0))
            m_w.append(np.mean(np.linalg.norm(W_K - W0, axis=1)))
        move.append(np.mean(m_w))
        dev.append(np.mean(d_w))
    move, dev = np.array(move), np.array(dev)
    fig, ax = figure(f"ch19.wide_network_tracks_kernel: ReLU, M = {len(y)}, η = {lr:g}, ηK = {lr * K:g}", "width N", "mean over initialisations", xscale="log", yscale="log")
    legend = [
        f"your mean movement (1/N)Σ‖w_K − w_0‖ (slope {fitted_slope(WIDTHS, move):.2f})",
        f"your deviation from the linearised GD, relative (slope {fitted_slope(WIDTHS, dev):.2f})",
        "theory: O(N^(−1/2))",
    ]
    ax.plot(WIDTHS, positive(move), "o-", color="C0", ms=4, lw=1.5, label=legend[0])
    ax.plot(WIDTHS, positive(dev), "s-", color="C3", ms=4, lw=1.5, label=legend[1])
    for i, curve in enumerate((move, dev)):
        if np.all(np.isfinite(curve) & (curve > 0)):  # the N^(-1/2) line through the curve's geometric mean
            level = np.exp(np.mean(np.log(curve) + 0.5 * np.log(WIDTHS)))
            ax.plot(WIDTHS, level * WIDTHS**-0.5, ":", color="grey", lw=1.5, label=None if i else legend[2])
    ax.legend(fontsize=8)
    return Drawn(fig, {"movement": move, "deviation": dev}, legend)


PLOTS = {"wide_network_tracks_kernel": wide_network_tracks_kernel}
