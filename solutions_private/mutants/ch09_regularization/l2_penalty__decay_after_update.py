"""Decay applied to the already-updated weights: W ← (1 - ηλ)(W - η ∂Λ/∂W)."""


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    new_Ws = [(1.0 - lr * lam) * (W - lr * dW) for W, dW in zip(Ws, dWs)]
    return new_Ws, [b - lr * db for b, db in zip(bs, dbs)]
