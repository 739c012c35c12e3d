"""Training set cut from the front of perm (train first, test last)."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    n_test = math.floor(frac_test * M)
    n_val = math.floor(frac_val * M)
    n_train = M - n_test - n_val
    return perm[:n_train], perm[n_train : n_train + n_val], perm[n_train + n_val :]
