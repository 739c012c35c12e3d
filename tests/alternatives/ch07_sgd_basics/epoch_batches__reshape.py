"""The full batches as the rows of perm[:n·B].reshape(n, B), then the remainder if kept."""


def epoch_batches(perm, batch_size, drop_last=False):
    perm = np.asarray(perm, dtype=np.int64)
    n = len(perm) // batch_size
    batches = [row.copy() for row in perm[: n * batch_size].reshape(n, batch_size)]
    if not drop_last and n * batch_size < len(perm):
        batches.append(perm[n * batch_size :].copy())
    return batches
