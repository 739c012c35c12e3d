"""A naive ring that passes whole vectors: P-1 steps in which every worker forwards all P chunks; right values, (P-1) n numbers sent per worker."""


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    vs = [np.asarray(v, dtype=np.float64) for v in vectors]
    total = [v.copy() for v in vs]
    moving = [v.copy() for v in vs]
    log = []
    for s in range(P - 1):
        moving = [moving[(i - 1) % P] for i in range(P)]  # everyone forwards what it last received
        for i in range(P):
            total[i] = total[i] + moving[i]
            log += [(s, (i - 1) % P, i, c) for c in range(P)]
    return ([t / P for t in total] if average else total), log
