"""Penalised gradients accumulated in place, dW += λ W: the caller's gradient arrays are overwritten."""


def l2_penalized_grads(dWs, Ws, lam):
    for dW, W in zip(dWs, Ws):
        dW += lam * W
    return dWs
