"""A while loop over start positions; the final short batch kept or dropped explicitly."""


def epoch_batches(perm, batch_size, drop_last=False):
    out = []
    start = 0
    M = len(perm)
    while start < M:
        chunk = np.array(perm[start : start + batch_size], dtype=np.int64)
        if len(chunk) == batch_size or not drop_last:
            out.append(chunk)
        start += batch_size
    return out
