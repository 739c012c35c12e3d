"""Preallocated output, each step written with np.multiply/np.subtract into the next row (no temporaries kept)."""


def sgd(grad_fn, theta0, batches, lr):
    K = len(batches)
    out = np.zeros((K + 1, np.size(theta0)))
    out[0] = theta0
    step = np.empty(np.size(theta0))
    for k, batch in enumerate(batches):
        np.multiply(lr(k), grad_fn(out[k].copy(), batch), out=step)
        np.subtract(out[k], step, out=out[k + 1])
    return out
