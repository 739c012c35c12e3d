"""Weight scaling forgotten: the test-time pass uses relu(Z) with no factor p."""


def scaled_predict(X, Ws, bs, p_keep, output="identity"):
    return _output(_forward(X, Ws, bs, [1.0] * (len(Ws) - 1)), output)
