"""Softmax shifted by ONE maximum over the whole batch instead of each row's: rows far below it give 0/0."""


def _softmax_rows(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)
