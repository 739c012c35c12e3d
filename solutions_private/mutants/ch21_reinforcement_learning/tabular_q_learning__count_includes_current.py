"""Visit count off by one: n counts the current visit too, so the first step has α = 2^-ω instead of 1."""


def _step_size(visits_before, k, omega):
    return (2.0 + visits_before) ** -omega
