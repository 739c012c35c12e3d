"""empirical_rate fits log Λ(θ_k) instead of log(Λ(θ_k) - Λ*): the rate tends to 1 when Λ* > 0."""


def empirical_rate(fvals, fstar, start, stop):
    k = np.arange(start, stop)
    return float(np.exp(np.polyfit(k, np.log(fvals[start:stop]), 1)[0]))
