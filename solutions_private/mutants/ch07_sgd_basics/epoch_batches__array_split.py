"""np.array_split(perm, ceil(M/B)): balanced chunks (10, B=3 gives 3,3,2,2), not slices of size B."""


def epoch_batches(perm, batch_size, drop_last=False):
    n = -(-len(perm) // batch_size)
    batches = np.array_split(perm, n)
    if drop_last:
        batches = [b for b in batches if len(b) == batch_size]
    return batches
