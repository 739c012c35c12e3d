"""contraction_factor ignoring the ηL side: |1 - ημ| only (wrong, and < 1, past η = 2/(L+μ))."""


def contraction_factor(mu, L, lr):
    return float(abs(1.0 - lr * mu))
