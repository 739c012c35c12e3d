"""Euler with the field evaluated at the end of the step, f(t_{k+1}, x_k)."""


def euler(f, x0, t0, T, n):
    h = (T - t0) / n
    x = np.array(x0, dtype=np.float64)
    out = [x]
    for k in range(n):
        x = x + h * f(t0 + (k + 1) * h, x)
        out.append(x)
    return np.array(out)
