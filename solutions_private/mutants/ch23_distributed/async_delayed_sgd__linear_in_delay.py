"""A guessed threshold that shrinks like 1/(τ + 1): η* = 2/(λ(τ + 1)), right for τ = 0 and 1 only."""


def max_stable_lr(lam, tau):
    return 2.0 / (lam * (tau + 1))
