"""γ ignored: the mean-field network and steps (1/N, α/N) for every γ."""

_reference_train_mf = train_mf


def train_mf(c0, W0, data_x, data_y, idx_seq, alpha, t_final, act="tanh", gamma=1.0):
    return _reference_train_mf(c0, W0, data_x, data_y, idx_seq, alpha, t_final, act, 1.0)
