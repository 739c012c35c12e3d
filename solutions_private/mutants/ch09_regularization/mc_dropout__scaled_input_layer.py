"""Weight scaling off by one layer: W^1..W^{L-1} multiplied by p instead of W^2..W^L (the inputs are never dropped)."""


def scaled_predict(X, Ws, bs, p_keep, output="identity"):
    return _output(_forward(p_keep * X, Ws, bs, [p_keep] * (len(Ws) - 2) + [1.0]), output)
