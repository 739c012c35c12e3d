"""np.split(perm[:n·B], n) with n = M // B for drop_last: a ZeroDivisionError when B > M (n = 0), where the answer is no batch at all."""


def epoch_batches(perm, batch_size, drop_last=False):
    n = len(perm) // batch_size
    if drop_last:
        return np.split(perm[: n * batch_size], n)
    return [perm[i : i + batch_size] for i in range(0, len(perm), batch_size)]
