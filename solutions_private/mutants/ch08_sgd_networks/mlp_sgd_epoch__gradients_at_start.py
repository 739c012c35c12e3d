"""Every batch's gradient computed at the parameters of the start of the epoch, then all applied."""

_one_batch_step = mlp_sgd_epoch  # the correct single-batch update, captured before the redefinition


def mlp_sgd_epoch(X, Y, Ws, bs, batches, lr, activation="tanh"):
    Ws_new = [np.array(W, dtype=np.float64) for W in Ws]
    bs_new = [np.array(b, dtype=np.float64) for b in bs]
    for idx in batches:
        Wb, bb = _one_batch_step(X, Y, Ws, bs, [idx], lr, activation)
        Ws_new = [Wn + (W1 - W0) for Wn, W1, W0 in zip(Ws_new, Wb, Ws)]
        bs_new = [bn + (b1 - b0) for bn, b1, b0 in zip(bs_new, bb, bs)]
    return Ws_new, bs_new
