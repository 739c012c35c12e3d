"""A Python loop that tracks the current slope and records its change at each knot."""


def relu_interpolant(knots, values):
    K = len(knots) - 1
    c, t = np.zeros(K), np.zeros(K)
    previous = 0.0
    for k in range(K):
        slope = (values[k + 1] - values[k]) / (knots[k + 1] - knots[k])
        c[k] = slope - previous
        t[k] = knots[k]
        previous = slope
    return float(values[0]), c, t
