"""M // B + 1 batches: an empty final batch when B divides M (and drop_last ignored)."""


def epoch_batches(perm, batch_size, drop_last=False):
    return [perm[i * batch_size : (i + 1) * batch_size] for i in range(len(perm) // batch_size + 1)]
