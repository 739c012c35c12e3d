"""contraction_factor without absolute values: max(1 - ημ, 1 - ηL) never exceeds 1, so divergence is missed."""


def contraction_factor(mu, L, lr):
    return float(max(1.0 - lr * mu, 1.0 - lr * L))
