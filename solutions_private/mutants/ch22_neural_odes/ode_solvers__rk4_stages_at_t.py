"""RK4's middle stages evaluated at t instead of t + h/2 (right for autonomous f only)."""


def rk4(f, x0, t0, T, n):
    h = (T - t0) / n
    x = np.array(x0, dtype=np.float64)
    out = [x]
    for k in range(n):
        t = t0 + k * h
        k1 = f(t, x)
        k2 = f(t, x + (h / 2) * k1)
        k3 = f(t, x + (h / 2) * k2)
        k4 = f(t + h, x + h * k3)
        x = x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(x)
    return np.array(out)
