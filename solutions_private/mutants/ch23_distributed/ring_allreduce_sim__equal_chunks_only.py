"""Chunks of n // P numbers each (np.split): fails when P does not divide n."""


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    bufs = [[c.copy() for c in np.split(np.asarray(v, dtype=np.float64), P)] for v in vectors]
    log = []
    for s in range(2 * (P - 1)):
        reduce = s < P - 1
        sends = [(s, i, (i + 1) % P, (i - s) % P if reduce else (i + 1 - (s - P + 1)) % P) for i in range(P)]
        _ring_step(bufs, sends, add=reduce)
        log += sends
    results = [np.concatenate(b) for b in bufs]
    return ([r / P for r in results] if average else results), log
