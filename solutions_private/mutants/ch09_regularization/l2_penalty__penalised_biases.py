"""Biases penalised too: the decay (1 - ηλ) is applied to B^ℓ as well as W^ℓ."""


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    new_Ws = [(1.0 - lr * lam) * W - lr * dW for W, dW in zip(Ws, dWs)]
    new_bs = [(1.0 - lr * lam) * b - lr * db for b, db in zip(bs, dbs)]
    return new_Ws, new_bs
