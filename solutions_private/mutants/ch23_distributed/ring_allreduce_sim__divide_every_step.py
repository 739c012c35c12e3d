"""Averaging at every step: each reduce-scatter step divides the received partial sum by P, instead of dividing once at the end."""


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    bufs = [[c.copy() for c in np.array_split(np.asarray(v, dtype=np.float64), P)] for v in vectors]
    log = []
    for s in range(2 * (P - 1)):
        reduce = s < P - 1
        sends = [(s, i, (i + 1) % P, (i - s) % P if reduce else (i + 1 - (s - P + 1)) % P) for i in range(P)]
        payloads = [(dst, c, bufs[src][c].copy()) for _, src, dst, c in sends]
        for dst, c, data in payloads:
            if reduce:
                bufs[dst][c] = (bufs[dst][c] + data) / (P if average else 1)
            else:
                bufs[dst][c] = data
        log += sends
    return [np.concatenate(b) for b in bufs], log
