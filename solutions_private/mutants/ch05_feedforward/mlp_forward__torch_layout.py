"""W used in nn.Linear's (out, in) layout: Z = H Wᵀ + b."""

_reference_mlp_forward = mlp_forward


def mlp_forward(X, Ws, bs, activation="tanh", output="identity"):
    return _reference_mlp_forward(X, [W.T for W in Ws], bs, activation, output)
