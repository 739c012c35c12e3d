"""Weight decay without the learning rate: W ← (1 - λ) W - η ∂Λ/∂W instead of (1 - ηλ) W."""


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    new_Ws = [(1.0 - lam) * W - lr * dW for W, dW in zip(Ws, dWs)]
    return new_Ws, [b - lr * db for b, db in zip(bs, dbs)]
