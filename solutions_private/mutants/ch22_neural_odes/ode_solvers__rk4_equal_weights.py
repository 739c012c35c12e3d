"""RK4 weights other than (1, 2, 2, 1)/6: the four stages averaged with equal weights 1/4."""


def _rk4_increment(f, t, x, h):
    k1 = f(t, x)
    k2 = f(t + h / 2, x + (h / 2) * k1)
    k3 = f(t + h / 2, x + (h / 2) * k2)
    k4 = f(t + h, x + h * k3)
    return (h / 4) * (k1 + k2 + k3 + k4)
