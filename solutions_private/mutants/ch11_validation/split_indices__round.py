"""round() instead of floor for the set sizes."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    n_test = round(frac_test * M)
    n_val = round(frac_val * M)
    return perm[n_test + n_val :], perm[n_test : n_test + n_val], perm[:n_test]
