"""The mean of the per-particle ratios ‖w_T - w_0‖/‖w_0‖ instead of the ratio of the means."""


def relative_movement(W0, WT):
    return float(np.mean(np.linalg.norm(WT - W0, axis=-1) / np.linalg.norm(W0, axis=-1)))
