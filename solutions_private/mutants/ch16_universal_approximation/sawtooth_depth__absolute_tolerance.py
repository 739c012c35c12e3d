"""Breakpoints counted with an absolute tolerance 1e-3: small real kinks are missed."""


def count_linear_pieces(f_vals, x):
    s = np.diff(f_vals) / np.diff(x)
    return int(1 + np.count_nonzero(np.abs(np.diff(s)) > 1e-3))
