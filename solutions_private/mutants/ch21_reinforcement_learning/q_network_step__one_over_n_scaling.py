"""The mean-field 1/N scaling instead of the book's 1/√N in the Q-network (and its gradient)."""


def _scale(N):
    return 1.0 / N
