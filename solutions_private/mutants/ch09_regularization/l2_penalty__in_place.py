"""In-place update W -= ...: the caller's weight arrays are overwritten."""


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    for W, dW in zip(Ws, dWs):
        W *= 1.0 - lr * lam
        W -= lr * dW
    new_bs = [b - lr * db for b, db in zip(bs, dbs)]
    return Ws, new_bs
