"""Differences of values instead of slopes (the grid spacing ignored): wrong on non-uniform grids."""


def count_linear_pieces(f_vals, x):
    d = np.diff(f_vals)
    return int(1 + np.count_nonzero(np.abs(np.diff(d)) > 1e-6 * np.max(np.abs(d))))
