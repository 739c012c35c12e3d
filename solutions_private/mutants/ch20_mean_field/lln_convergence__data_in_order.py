"""The index stream ignored: the samples are visited in order, m = j mod M."""

_reference_train_mf = train_mf


def train_mf(c0, W0, data_x, data_y, idx_seq, alpha, t_final, act="tanh", gamma=1.0):
    K = int(np.floor(t_final * c0.shape[1] + 1e-9))
    return _reference_train_mf(c0, W0, data_x, data_y, np.arange(K) % data_x.shape[0], alpha, t_final, act, gamma)
