import math


def heat_trial(theta, t, x):
    """The trial functions of ch22.dgm_residual (a torch function; import torch inside):

        u(t, x; θ) = a e^{-t} sin x + eps · t x (π - x) + (1/√N) Σ_n C_n tanh(W_n0 t + W_n1 x + b_n),

    θ = {"a": (), "eps": (), "C": (N,), "W": (N, 2), "b": (N,)} as torch float64 tensors,
    t and x of shape (n, 1); returns u of shape (n, 1). With a = 1, eps = 0 and C = 0
    it is the exact solution e^{-t} sin x of the heat equation on (0, π)."""
    import torch

    z = t * theta["W"][:, 0] + x * theta["W"][:, 1] + theta["b"]  # (n, N)
    net = torch.tanh(z) @ theta["C"] / math.sqrt(theta["C"].shape[0])  # (n,)
    return theta["a"] * torch.exp(-t) * torch.sin(x) + theta["eps"] * t * x * (math.pi - x) + net[:, None]
