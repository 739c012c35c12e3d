"""Each set sorted (np.sort) instead of kept in the order of perm."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    n_test = math.floor(frac_test * M)
    n_val = math.floor(frac_val * M)
    return np.sort(perm[n_test + n_val :]), np.sort(perm[n_test : n_test + n_val]), np.sort(perm[:n_test])
