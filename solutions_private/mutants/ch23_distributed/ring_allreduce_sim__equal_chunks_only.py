"""Chunks of n // P numbers each (np.split): fails when P does not divide n."""


def _chunks(v, P):
    return [c.copy() for c in np.split(np.asarray(v, dtype=np.float64), P)]
