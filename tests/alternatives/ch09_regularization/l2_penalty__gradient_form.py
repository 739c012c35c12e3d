"""The step written as plain gradient descent on Λ_λ (W - η(∂Λ/∂W + λW)), the gradients built by in-place accumulation on copies."""


def l2_penalized_grads(dWs, Ws, lam):
    out = []
    for dW, W in zip(dWs, Ws):
        g = np.array(W, dtype=np.float64, copy=True)
        g *= lam
        g += dW
        out.append(g)
    return out


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    new_Ws = [W - lr * (dW + lam * W) for W, dW in zip(Ws, dWs)]
    new_bs = [np.subtract(b, lr * db) for b, db in zip(bs, dbs)]
    return new_Ws, new_bs
