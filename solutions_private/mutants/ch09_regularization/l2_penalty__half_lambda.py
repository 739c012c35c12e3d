"""The ½ of the penalty kept in the gradient: ∂Λ/∂W + (λ/2) W."""


def l2_penalized_grads(dWs, Ws, lam):
    return [dW + 0.5 * lam * W for dW, W in zip(dWs, Ws)]
