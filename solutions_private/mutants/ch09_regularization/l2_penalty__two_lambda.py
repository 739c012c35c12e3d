"""Derivative of (λ/2)‖W‖² taken as 2λW (λ vs 2λ), in the gradient and hence in the decay."""


def l2_penalized_grads(dWs, Ws, lam):
    return [dW + 2 * lam * W for dW, W in zip(dWs, Ws)]


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    grads = l2_penalized_grads(dWs, Ws, lam)
    return [W - lr * g for W, g in zip(Ws, grads)], [b - lr * db for b, db in zip(bs, dbs)]
