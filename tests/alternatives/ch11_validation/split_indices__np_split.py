"""np.split at the two cut points (sizes with int(), which truncates like floor for non-negative products)."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    n_test, n_val = int(frac_test * M), int(frac_val * M)
    test, val, train = np.split(np.asarray(perm, dtype=np.int64), [n_test, n_test + n_val])
    return train.copy(), val.copy(), test.copy()
