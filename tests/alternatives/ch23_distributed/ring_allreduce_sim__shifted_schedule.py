"""Another valid ring schedule: in the reduce-scatter worker i sends chunk
(i - s - 1) mod P, so it ends holding the complete chunk i (not i + 1), and the
all-gather starts from there (chunk (i - t) mod P at all-gather step t); chunk
boundaries from cumulative sizes instead of np.array_split lists."""

import numpy as np


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    n = len(vectors[0])
    sizes = [n // P + (1 if c < n % P else 0) for c in range(P)]
    edges = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    data = np.array([np.asarray(v, dtype=np.float64) for v in vectors]).reshape(P, n)
    log = []
    for s in range(2 * (P - 1)):
        start = data.copy()
        for i in range(P):
            if s < P - 1:
                c = (i - s - 1) % P
            else:
                c = (i - (s - (P - 1))) % P
            dst = (i + 1) % P
            lo, hi = edges[c], edges[c + 1]
            if s < P - 1:
                data[dst, lo:hi] = data[dst, lo:hi] + start[i, lo:hi]
            else:
                data[dst, lo:hi] = start[i, lo:hi]
            log.append((int(s), int(i), int(dst), int(c)))
    if average:
        data = data / P
    return [data[i].copy() for i in range(P)], log
