"""One Frobenius norm for the whole array, ‖W_T - W_0‖_F / ‖W_0‖_F, instead of per-particle norms."""


def relative_movement(W0, WT):
    return float(np.linalg.norm(WT - W0) / np.linalg.norm(W0))
