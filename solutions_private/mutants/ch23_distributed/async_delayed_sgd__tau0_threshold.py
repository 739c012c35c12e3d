"""The τ = 0 threshold reused for every delay: η* = 2/λ."""


def max_stable_lr(lam, tau):
    return 2.0 / lam
