"""Plots for chapter 11 (see mathdl_cli/plots.py): where early stopping stops on
a noisy validation curve, the student's epochs against the expected ones."""

import numpy as np

from mathdl_cli.plots import Drawn, PlotError, as_array, figure


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


PLOTS = {"early_stopping": early_stopping}
