"""Validation size taken as a fraction of what the test set left, ⌊frac_val·(M - n_test)⌋, instead of ⌊frac_val·M⌋."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    n_test = math.floor(frac_test * M)
    n_val = math.floor(frac_val * (M - n_test))
    return perm[n_test + n_val:].copy(), perm[n_test:n_test + n_val].copy(), perm[:n_test].copy()
