"""The last partial batch lost when drop_last=False (range(M // B) batches only)."""


def epoch_batches(perm, batch_size, drop_last=False):
    return [perm[i * batch_size : (i + 1) * batch_size] for i in range(len(perm) // batch_size)]
