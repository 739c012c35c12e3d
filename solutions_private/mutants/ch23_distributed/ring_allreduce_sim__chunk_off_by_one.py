"""Chunk index off by one in the reduce-scatter: worker i sends chunk (i - s - 1) mod P at step s, so the wrong chunk is reduced."""


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    bufs = [[c.copy() for c in np.array_split(np.asarray(v, dtype=np.float64), P)] for v in vectors]
    log = []
    for s in range(2 * (P - 1)):
        reduce = s < P - 1
        sends = [(s, i, (i + 1) % P, (i - s - 1) % P if reduce else (i + 1 - (s - P + 1)) % P) for i in range(P)]
        _ring_step(bufs, sends, add=reduce)
        log += sends
    results = [np.concatenate(b) for b in bufs]
    return ([r / P for r in results] if average else results), log
