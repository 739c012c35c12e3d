"""Times accumulated as t += h, trajectories collected in a list; the order by the two-point formula when there are two points, normal equations otherwise."""


def euler(f, x0, t0, T, n):
    h = (T - t0) / n
    t, x = t0, np.asarray(x0, dtype=np.float64).copy()
    traj = [x]
    for _ in range(n):
        x = x + h * f(t, x)
        t += h
        traj.append(x)
    return np.array(traj)


def rk4(f, x0, t0, T, n):
    h = (T - t0) / n
    t, x = t0, np.asarray(x0, dtype=np.float64).copy()
    traj = [x]
    for _ in range(n):
        a = f(t, x)
        b = f(t + 0.5 * h, x + 0.5 * h * a)
        c = f(t + 0.5 * h, x + 0.5 * h * b)
        d = f(t + h, x + h * c)
        x = x + h * (a + 2.0 * (b + c) + d) / 6.0
        t += h
        traj.append(x)
    return np.array(traj)


def empirical_order(errors, hs):
    u, v = np.log(np.asarray(hs, dtype=np.float64)), np.log(np.asarray(errors, dtype=np.float64))
    if len(u) == 2:
        return float((v[1] - v[0]) / (u[1] - u[0]))
    du, dv = u - u.mean(), v - v.mean()
    return float(du @ dv / (du @ du))
