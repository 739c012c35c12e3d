"""d_log without the factor 1/a₀: the tangent of log(a) returned as ȧ."""


def d_log(a):
    a0, a1 = _parts(a)
    return np.log(a0), a1.copy()
