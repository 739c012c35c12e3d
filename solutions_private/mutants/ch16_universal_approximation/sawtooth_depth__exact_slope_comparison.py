"""Breakpoints counted with an exact comparison s_i != s_{i-1}: rounding noise becomes breakpoints."""


def count_linear_pieces(f_vals, x):
    s = np.diff(f_vals) / np.diff(x)
    return int(1 + np.count_nonzero(np.diff(s) != 0))
