"""One dot product of integer arrays, (d_0 + 1, ..., d_{L-1} + 1)·(d_1, ..., d_L)."""


def count_params(layer_sizes):
    d = np.asarray(layer_sizes, dtype=np.int64)
    return int(np.dot(d[:-1] + 1, d[1:]))
