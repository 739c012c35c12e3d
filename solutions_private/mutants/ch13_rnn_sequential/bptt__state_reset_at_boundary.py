"""Truncation resets the hidden VALUE at each chunk to h_0 instead of carrying h_τ forward."""

_bptt_reference = bptt


def bptt(X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o, tbptt_chunk=None):
    T = X.shape[0]
    tau = T if tbptt_chunk is None else tbptt_chunk
    total = None
    for start in range(0, T, tau):
        part = _bptt_reference(X[start:start + tau], Y[start:start + tau], h0, W_hx, W_hh, b_h, W_oh, b_o)
        n = min(tau, T - start)
        part = {k: v * n / T for k, v in part.items()}
        if total is None:
            total = part
        else:
            total = {k: (total[k] + part[k]) if k != "h0" else total[k] for k in total}
    return total
