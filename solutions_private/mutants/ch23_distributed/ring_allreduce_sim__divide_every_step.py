"""Averaging at every step: each reduce-scatter step divides the received partial sum by P, instead of dividing once at the end."""


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    bufs = [_chunks(v, P) for v in vectors]
    log = []
    for s in range(2 * (P - 1)):
        sends = [(s, i, (i + 1) % P, _chunk_sent(s, i, P)) for i in range(P)]
        _ring_step(bufs, sends, add=s < P - 1)
        if s < P - 1 and average:
            for _, _, dst, c in sends:
                bufs[dst][c] = bufs[dst][c] / P
        log += sends
    return [np.concatenate(b) for b in bufs], log
