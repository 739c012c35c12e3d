"""Off by one: the training slice starts one index early and overlaps the validation set."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    n_test = math.floor(frac_test * M)
    n_val = math.floor(frac_val * M)
    return perm[max(n_test + n_val - 1, 0):], perm[n_test : n_test + n_val], perm[:n_test]
