"""Shuffles perm again before slicing (the split is no longer reproducible)."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    perm = np.random.default_rng().permutation(perm)
    n_test = math.floor(frac_test * M)
    n_val = math.floor(frac_val * M)
    return perm[n_test + n_val :], perm[n_test : n_test + n_val], perm[:n_test]
