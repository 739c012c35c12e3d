"""A generic explicit Runge–Kutta stepper driven by Butcher tables (Euler: c = (0,), b = (1,); RK4: the classical table)."""

_EULER = ((0.0,), ((),), (1.0,))
_RK4 = ((0.0, 0.5, 0.5, 1.0), ((), (0.5,), (0.0, 0.5), (0.0, 0.0, 1.0)), (1 / 6, 1 / 3, 1 / 3, 1 / 6))


def _explicit_rk(table, f, x0, t0, T, n):
    c, a, b = table
    h = (T - t0) / n
    out = np.zeros((n + 1,) + np.shape(x0))
    out[0] = x0
    for k in range(n):
        t, x = t0 + k * h, out[k]
        stages = []
        for i in range(len(c)):
            xi = x + h * sum((aij * kj for aij, kj in zip(a[i], stages)), np.zeros_like(x))
            stages.append(np.asarray(f(t + c[i] * h, xi), dtype=np.float64))
        out[k + 1] = x + h * sum(bi * ki for bi, ki in zip(b, stages))
    return out


def euler(f, x0, t0, T, n):
    return _explicit_rk(_EULER, f, x0, t0, T, n)


def rk4(f, x0, t0, T, n):
    return _explicit_rk(_RK4, f, x0, t0, T, n)


def empirical_order(errors, hs):
    A = np.vstack([np.log(hs), np.ones(len(hs))]).T
    return float(np.linalg.lstsq(A, np.log(errors), rcond=None)[0][0])
