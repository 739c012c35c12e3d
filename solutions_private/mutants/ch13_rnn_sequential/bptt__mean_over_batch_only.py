"""Λ averaged over the batch but summed over time: the 1/T is missing from every gradient."""

_bptt_reference = bptt


def bptt(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk=None):
    T = X.shape[0]
    return {k: T * v for k, v in _bptt_reference(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk).items()}
