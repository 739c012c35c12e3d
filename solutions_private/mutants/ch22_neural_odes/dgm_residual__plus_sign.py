"""The heat equation's residual with the wrong sign: u_t + u_xx."""


def _residual(u_t, u_xx):
    return u_t + u_xx
