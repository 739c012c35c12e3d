"""A global step count instead of per-(x, a) visit counts: α_k = 1/(1 + k)^ω."""


def _step_size(visits_before, k, omega):
    return (1.0 + k) ** -omega
