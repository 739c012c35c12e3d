"""RK4's middle stages evaluated at t instead of t + h/2 (right for autonomous f only)."""


def _rk4_increment(f, t, x, h):
    k1 = f(t, x)
    k2 = f(t, x + (h / 2) * k1)
    k3 = f(t, x + (h / 2) * k2)
    k4 = f(t + h, x + h * k3)
    return (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
