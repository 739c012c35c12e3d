"""Normalised by the size of the TRAINED weights, mean ‖w_T‖, instead of the initial ones."""


def relative_movement(W0, WT):
    return float(np.mean(np.linalg.norm(WT - W0, axis=-1)) / np.mean(np.linalg.norm(WT, axis=-1)))
