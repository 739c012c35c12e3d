"""W² given as a row of shape (1, 2) (the (out, in) layout) instead of a column (2, 1)."""

_reference_xor_network = xor_network


def xor_network():
    Ws, bs = _reference_xor_network()
    return [Ws[0], Ws[1].T], bs
