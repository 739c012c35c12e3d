"""Python lists filled index by index from perm, converted to int64 arrays (empty ones included)."""


def split_indices(perm, frac_val, frac_test):
    M = len(perm)
    n_test = math.floor(frac_test * M)
    n_val = math.floor(frac_val * M)
    test, val, train = [], [], []
    for pos, idx in enumerate(perm):
        (test if pos < n_test else val if pos < n_test + n_val else train).append(int(idx))
    as_array = lambda xs: np.array(xs, dtype=np.int64).reshape(-1)  # noqa: E731
    return as_array(train), as_array(val), as_array(test)
