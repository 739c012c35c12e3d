"""Plots for chapter 11 (see mathdl_cli/plots.py): where early stopping stops on
a noisy validation curve, the student's epochs against the expected ones; and
the bias–variance trade-off of polynomial fits against the degree."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure, positive


def _expected(val, patience):
    """(best epoch, stop epoch) from running minima: an epoch improves when it is
    strictly below every earlier loss; training stops `patience` epochs after
    the last improvement (or at the last epoch)."""
    t = np.arange(len(val))
    improved = np.r_[True, val[1:] < np.minimum.accumulate(val)[:-1]]
    last = np.maximum.accumulate(np.where(improved, t, 0))
    late = np.flatnonzero(t - last >= patience)
    stop = int(late[0]) if late.size else len(val) - 1
    return int(last[stop]), stop


def early_stopping(student, rng):
    T, patience = 80, 6
    t = np.arange(T)
    val = 0.3 + 2.0 * np.exp(-t / 8) + 0.004 * np.maximum(t - 20, 0) + 0.03 * rng.standard_normal(T)
    got = student.early_stopping(val, patience)
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        raise PlotError("early_stopping must return (best_epoch, stop_epoch)")
    best, stop = (int(v) for v in as_array(got, "early_stopping"))
    want_best, want_stop = _expected(val, patience)
    fig, ax = figure(f"ch11.early_stopping: patience {patience} on a noisy validation curve", "epoch", "validation loss")
    ax.plot(t, val, "-", color="grey", lw=1.2, label="validation loss")
    legend = [f"yours: best {best}, stop {stop}", f"expected: best {want_best}, stop {want_stop}"]
    ax.axvline(want_best, color="C1", lw=6, alpha=0.3, label=legend[1])
    ax.axvline(want_stop, color="C1", lw=6, alpha=0.3, ls="--")
    ax.axvline(best, color="C0", lw=1.5, label=legend[0])
    ax.axvline(stop, color="C0", lw=1.5, ls="--")
    ax.legend(fontsize=8, title="solid: best epoch, dashed: stop", title_fontsize=8)
    return Drawn(fig, {"epochs": np.array([best, stop], dtype=float)}, legend)


def bias_variance(student, rng):
    R, M, n, sigma = 200, 20, 50, 0.3
    degrees = list(range(9))
    f = lambda x: np.sin(3 * x)  # noqa: E731
    x_te = np.linspace(-1, 1, n)
    f_true = f(x_te)
    X = rng.uniform(-1, 1, (R, M))
    Y = f(X) + sigma * rng.standard_normal((R, M))
    rows = {"bias2": [], "variance": [], "expected_mse": []}
    want = {"bias2": [], "variance": [], "expected_mse": []}
    for p in degrees:
        preds = np.array([np.polyval(np.polyfit(X[r], Y[r], p), x_te) for r in range(R)])
        got = student.bias_variance(preds, f_true, sigma**2)
        if not isinstance(got, dict) or not set(rows) <= set(got):
            raise PlotError("bias_variance must return a dict with bias2, variance and expected_mse")
        for key in rows:
            rows[key].append(float(as_array(got[key], key)))
        # expected: the identity mean squared error to f = bias² + variance, split by its mean
        err = preds - f_true
        want["bias2"].append(np.mean(np.mean(err, axis=0) ** 2))
        want["variance"].append(np.mean(err**2) - want["bias2"][-1])
        want["expected_mse"].append(np.mean(err**2) + sigma**2)
    yours = {k: np.array(v) for k, v in rows.items()}
    fig, ax = figure(f"ch11.bias_variance: polynomial fits, {R} training sets of {M} points", "degree p", "", yscale="log")
    best, want_best = int(np.argmin(yours["expected_mse"])), int(np.argmin(want["expected_mse"]))
    colours = {"bias2": "C0", "variance": "C2", "expected_mse": "C3"}
    names = {"bias2": "bias²", "variance": "variance", "expected_mse": "expected test MSE"}
    legend = []
    for key in rows:
        ax.plot(degrees, want[key], "-", color=colours[key], lw=6, alpha=0.3)
        label = f"your {names[key]}" + (f" (lowest at p = {best}; expected p = {want_best})" if key == "expected_mse" else "")
        ax.plot(degrees, positive(yours[key]), "o-", color=colours[key], ms=4, label=label)
        legend.append(label)
    ax.plot([], [], "-", color="grey", lw=6, alpha=0.3, label="expected (thick, faint)")
    ax.legend(fontsize=8)
    return Drawn(fig, yours, legend)


PLOTS = {"early_stopping": early_stopping, "bias_variance": bias_variance}
