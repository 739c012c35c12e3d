"""Written from the receiver's side: in reduce-scatter step s worker j receives
chunk (j - 1 - s) mod P from j - 1 and accumulates it; the average is taken per
chunk with np.divide; the log is sorted by (step, src) at the end."""

import numpy as np


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    chunks = [list(np.array_split(np.array(v, dtype=np.float64), P)) for v in vectors]
    log = []
    for s in range(P - 1):
        incoming = [chunks[(j - 1) % P][(j - 1 - s) % P].copy() for j in range(P)]
        for j in range(P):
            c = (j - 1 - s) % P
            chunks[j][c] = chunks[j][c] + incoming[j]
            log.append((s, (j - 1) % P, j, c))
    for t in range(P - 1):
        s = P - 1 + t
        incoming = [chunks[(j - 1) % P][(j - t) % P].copy() for j in range(P)]
        for j in range(P):
            chunks[j][(j - t) % P] = incoming[j]
            log.append((s, (j - 1) % P, j, (j - t) % P))
    out = []
    for j in range(P):
        v = np.concatenate(chunks[j]) if P > 1 else chunks[j][0].copy()
        out.append(np.divide(v, P) if average else v)
    log.sort(key=lambda e: (e[0], e[1]))
    return out, log
