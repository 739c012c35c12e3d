"""Biases as column vectors of shape (d, 1) instead of flat (d,)."""

_reference_xor_network = xor_network


def xor_network():
    Ws, bs = _reference_xor_network()
    return Ws, [b[:, None] for b in bs]
